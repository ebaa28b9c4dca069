"""Writes the anatomy the phantoms read (training subjects and held-out brains) as .npz into a folder, for a
machine without nibabel: `QSM_VOLUMES=<folder>` then makes brain_phantom and colin_phantom read from it.

  /usr/bin/python3 training/cache_volumes.py training/volumes-cache
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brain_phantom as bp  # noqa: E402
import colin_phantom as cp  # noqa: E402
from volumes import write_volume  # noqa: E402

FILES = [os.path.join(bp.DATA, f) for f in (bp.FS_FILE, bp.T1_FILE, bp.MNI_FILE, bp.FLAIR_FILE)] + \
        [os.path.join(cp.TEMPLATES, f) for f in (cp.T1_FILE, cp.AAL_FILE)]


def main(folder):
    os.makedirs(folder, exist_ok=True)
    for f in FILES:
        out = write_volume(f, folder)
        print(f"{out} {os.path.getsize(out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
