#!/usr/bin/python3
"""Writes public/example/fs_anatomy_labels.nii.gz: the bundled anatomy of the workbench's brain example.

Source: the FreeSurfer segmentation aparc.a2009s+aseg.mgz of one adult subject from the NiiVue demo images
(BSD-2-Clause repository, ../shared/data; see public/example/README.md). This is the project's TRAINING anatomy;
the held-out MNI152 brain is never read here.

What it does:
  - reorients the 256^3 LIA grid to RAS (x left->right, y posterior->anterior, z inferior->superior),
  - maps the aseg / Destrieux labels to a handful of tissue classes (CLASSES below; src/core/anatomyClasses.ts
    holds the same codes),
  - fills the brain hull: unlabelled voxels between the gyri (sulcal CSF) become CSF, as a QSM brain mask holds them,
  - places the iron-rich nuclei the aseg does not separate: red nucleus and substantia nigra inside the ventral
    diencephalon / midbrain, dentate nucleus inside the cerebellar white matter (hand-placed ellipsoids for this
    subject, checked on slices; they are a phantom's nuclei, not a segmentation),
  - crops to the brain with a 2-voxel margin and writes uint8 labels at 1 mm, gzip level 9, mtime 0 (reproducible).

Run: /usr/bin/python3 scripts/make_example_anatomy.py [--data DIR] [--out FILE] [--preview PNG]
"""
import argparse
import gzip
import os

import nibabel as nib
import numpy as np
from scipy import ndimage as ndi

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.environ.get("QSM_DATA", os.path.join(HERE, "..", "..", "shared", "data"))
DEFAULT_OUT = os.path.join(HERE, "..", "public", "example", "fs_anatomy_labels.nii.gz")

# code -> (name, aseg labels). Destrieux cortical parcels (>= 1000) and 3/42 are cortex; anything else labelled
# inside the brain that is not listed is white matter (vessels 30/62, WM hypointensities, optic chiasm, corpus callosum).
CLASSES = {
    1: ("white matter", [2, 41, 77, 85, 251, 252, 253, 254, 255, 30, 62]),
    2: ("cortex", [3, 42]),
    3: ("CSF", [4, 43, 5, 44, 14, 15, 24, 72]),
    4: ("caudate", [11, 50]),
    5: ("putamen", [12, 51]),
    6: ("globus pallidus", [13, 52]),
    7: ("thalamus", [10, 49]),
    8: ("ventral diencephalon", [28, 60]),
    9: ("hippocampus and amygdala", [17, 53, 18, 54]),
    10: ("brain stem", [16]),
    11: ("cerebellar white matter", [7, 46]),
    12: ("cerebellar cortex", [8, 47]),
    13: ("accumbens", [26, 58]),
    14: ("red nucleus", []),
    15: ("substantia nigra", []),
    16: ("dentate nucleus", []),
    17: ("choroid plexus", [31, 63]),
}
WHITE_MATTER, CORTEX, CSF = 1, 2, 3
VENTRAL_DC, BRAIN_STEM, CEREBELLAR_WM = 8, 10, 11
RED_NUCLEUS, SUBSTANTIA_NIGRA, DENTATE = 14, 15, 16


def ellipsoid(shape, centre, radii, yaw_deg=0.0):
    """Normalised radius (<= 1 inside) of an ellipsoid on the 1 mm RAS grid, rotated by yaw about z."""
    g = np.indices(shape, dtype=np.float32)
    d = [g[a] - centre[a] for a in range(3)]
    t = np.deg2rad(yaw_deg)
    u = np.cos(t) * d[0] + np.sin(t) * d[1]
    v = -np.sin(t) * d[0] + np.cos(t) * d[1]
    return np.sqrt((u / radii[0]) ** 2 + (v / radii[1]) ** 2 + (d[2] / radii[2]) ** 2)


def classify(seg):
    cls = np.zeros(seg.shape, np.uint8)
    brain = seg > 0
    cls[brain] = WHITE_MATTER
    for code, (_, labels) in CLASSES.items():
        if labels:
            cls[np.isin(seg, labels)] = code
    cls[seg >= 1000] = CORTEX
    # the brain hull: sulcal CSF between the gyri is inside a QSM brain mask
    hull = ndi.binary_fill_holes(ndi.binary_closing(brain, structure=np.ones((3, 3, 3)), iterations=2))
    cls[hull & ~brain] = CSF
    return cls


def add_nuclei(cls):
    """Red nucleus, substantia nigra (midbrain) and dentate nucleus (cerebellum), both hemispheres."""
    vdc = np.argwhere(cls == VENTRAL_DC)
    midline = vdc[:, 0].mean()
    midbrain = (cls == VENTRAL_DC) | (cls == BRAIN_STEM)
    # the midbrain level: the posterior part of the ventral DC, where it meets the brain stem label
    y_back = np.percentile(vdc[:, 1], 15)
    z_mid = np.percentile(vdc[:, 2], 30)
    for side in (-1, 1):
        sub = ellipsoid(cls.shape, (midline + side * 9.0, y_back + 4.0, z_mid - 3.0), (2.2, 7.0, 3.5), yaw_deg=side * -35.0)
        cls[(sub <= 1) & midbrain] = SUBSTANTIA_NIGRA
        rn = ellipsoid(cls.shape, (midline + side * 4.0, y_back, z_mid), (3.0, 3.2, 3.6))
        cls[(rn <= 1) & midbrain] = RED_NUCLEUS
    cwm = np.argwhere(cls == CEREBELLAR_WM)
    cmid = cwm[:, 0].mean()
    for side in (-1, 1):
        half = cwm[(cwm[:, 0] - cmid) * side > 4]
        c = half.mean(0)
        c[0] = cmid + side * 0.75 * abs(c[0] - cmid)  # the dentate sits medially in the cerebellar white matter
        r = ellipsoid(cls.shape, c, (7.0, 9.0, 6.5), yaw_deg=side * 20.0)
        # a folded ribbon, not a solid body: a shell whose thickness waves with the angle
        ang = np.arctan2(np.indices(cls.shape)[1] - c[1], np.indices(cls.shape)[0] - c[0])
        inner = 0.62 + 0.12 * np.sin(7 * ang)
        cls[(r <= 1) & (r >= inner) & (cls == CEREBELLAR_WM)] = DENTATE
    return cls


def crop(cls, affine, margin=2):
    ijk = np.argwhere(cls > 0)
    lo = np.maximum(ijk.min(0) - margin, 0)
    hi = np.minimum(ijk.max(0) + margin + 1, cls.shape)
    shift = np.eye(4)
    shift[:3, 3] = lo
    return cls[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]], affine @ shift


def preview(cls, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 4, figsize=(16, 5))
    nx, ny, nz = cls.shape
    views = [cls[:, :, int(nz * 0.42)].T, cls[:, :, int(nz * 0.62)].T, cls[:, int(ny * 0.45), :].T, cls[nx // 2 + 6, :, :].T]
    for a, v in zip(ax, views):
        a.imshow(v, origin="lower", cmap="tab20", vmin=0, vmax=19, interpolation="nearest")
        a.axis("off")
    plt.tight_layout()
    plt.savefig(path, dpi=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--preview", help="write a PNG of a few slices")
    a = ap.parse_args()
    img = nib.as_closest_canonical(nib.load(os.path.join(a.data, "aparc.a2009s+aseg.mgz")))
    seg = np.asarray(img.dataobj).astype(np.int32)
    cls = add_nuclei(classify(seg))
    cls, aff = crop(cls, img.affine)
    aff = np.round(aff, 4)  # the conformed grid is 1 mm up to float noise
    out = nib.Nifti1Image(cls, aff)
    out.header.set_data_dtype(np.uint8)
    out.header.set_xyzt_units("mm")
    out.header["descrip"] = b"QSM Workbench example classes (FreeSurfer subj)"
    out.set_qform(aff, code=1)
    out.set_sform(aff, code=1)
    raw = out.to_bytes()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "wb") as f:
        f.write(gzip.compress(raw, compresslevel=9, mtime=0))
    counts = np.bincount(cls.ravel(), minlength=len(CLASSES) + 1)
    print(f"{a.out}: {cls.shape} at 1 mm, {os.path.getsize(a.out)} bytes")
    for code, (name, _) in CLASSES.items():
        print(f"  {code:2d} {name:26s} {counts[code]:8d} voxels")
    if a.preview:
        preview(cls, a.preview)


if __name__ == "__main__":
    main()
