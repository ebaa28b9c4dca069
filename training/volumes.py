"""Reading the anatomy volumes (array, voxel -> world affine), from NIfTI/MGZ or from a .npz cache.

The device machine has PyTorch but no nibabel (and no internet), so `cache_volumes.py` writes each volume the
phantoms read as `<file name>.npz` (data + affine) into a folder, and QSM_VOLUMES=<folder> makes every loader read
from there instead. Elsewhere nibabel reads the originals in place.
"""
import os

import numpy as np

CACHE_ENV = "QSM_VOLUMES"


def cache_path(name, folder=None):
    folder = folder or os.environ.get(CACHE_ENV)
    return os.path.join(folder, os.path.basename(name) + ".npz") if folder else None


def read_volume(path):
    """(data as stored, 4x4 affine) of a NIfTI/MGZ file, or of its cached copy when QSM_VOLUMES is set."""
    cached = cache_path(path)
    if cached:
        if not os.path.exists(cached):
            raise FileNotFoundError(f"{cached} missing: run training/cache_volumes.py {os.environ[CACHE_ENV]}")
        with np.load(cached) as z:
            return z["data"], z["affine"]
    import nibabel as nib

    img = nib.load(path)
    return np.asanyarray(img.dataobj), img.affine


def write_volume(path, folder):
    """Caches one volume (its stored dtype, compressed) for read_volume."""
    import nibabel as nib

    img = nib.load(path)
    out = cache_path(path, folder)
    np.savez_compressed(out, data=np.asanyarray(img.dataobj), affine=img.affine)
    return out
