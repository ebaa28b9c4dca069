"""A second training subject: Colin27 (the MNI single-subject brain), from Debian's mricron-data package.

Issue 9: every fine-tuning lever tried on the one FreeSurfer subject (more stages, richer labels, loss weights,
stretched and warped copies) landed within noise or worse on the held-out brains, and session 13 took the missing
piece to be a second person's anatomy. Colin27 is one adult scanned 27 times, so its sulci, ventricles and nuclei
are an individual's, not a population average like the held-out MNI152 template. (Session 14: fine-tuning on both
subjects changed nothing measurable either, and fit_check.py showed why: the networks are under-fitted, behind
TKD on their training subjects too. The subject stays for when they are fitted.) Debian ships it (1 mm, brain-extracted: ch2bet) with
the AAL parcellation that was drawn on it (aal.nii.gz, same grid), under /usr/share/mricron/templates.

What it shares with the held-out MNI152 phantom: both sit in MNI space (similar brain size and position). The
network is convolutional and sees random crops of randomly rotated, deformed acquisitions, so position is not
information it can use; the FLAIR held-out brain shares nothing with it. The deep nuclei come from AAL's labels,
not from the MNI phantom's ellipsoids; the midbrain nuclei (no AAL label) are placed around literature
coordinates with a few mm of random jitter each phantom.

Phantom (per call, random): tissue classes from a 3-class k-means of the T1 inside the brain (CSF < grey <
white); each AAL cortical parcel one grey-matter value (as the FreeSurfer phantom's Destrieux parcels); caudate,
putamen, pallidum, thalamus, hippocampus and amygdala from AAL where the T1 is not CSF, with the FreeSurfer
phantom's ranges; substantia nigra / red nucleus; smooth texture, veins, a global scale - as brain_phantom.fs_phantom.
"""
import os

import numpy as np
from scipy.ndimage import binary_fill_holes, gaussian_filter, label

from brain_phantom import (CORTEX, FS_RANGES, NUCLEUS, Phantom, _add_veins, _crop_to_brain, _kmeans_1d,
                           _paint_ellipsoid, _texture, _voxel_size)
from volumes import cache_path, read_volume

TEMPLATES = os.environ.get("QSM_MRICRON", "/usr/share/mricron/templates")
T1_FILE = "ch2bet.nii.gz"
AAL_FILE = "aal.nii.gz"
# AAL label -> the FreeSurfer aseg label whose range it takes (left, right)
AAL_TO_ASEG = {71: 11, 72: 50, 73: 12, 74: 51, 75: 13, 76: 52, 77: 10, 78: 49, 37: 17, 38: 53, 41: 18, 42: 54}
AAL_CEREBELLUM = range(91, 117)  # cerebellar cortex and vermis
CEREBELLAR_CORTEX = FS_RANGES[8]
WHITE = FS_RANGES[2]
# Midbrain nuclei in MNI mm (Keuken et al. NeuroImage 2014 atlas centres, rounded), jittered per phantom.
MIDBRAIN = [(12, -14, -9), (-12, -14, -9), (5, -20, -7), (-5, -20, -7)]  # substantia nigra, red nucleus
MIDBRAIN_JITTER_MM = 4.0


def available():
    return all(os.path.exists(cache_path(f) or os.path.join(TEMPLATES, f)) for f in (T1_FILE, AAL_FILE))


_CACHE = {}


def load_colin():
    """(classes, aal, affine) cropped to the brain: classes 0 outside, 1 CSF, 2 grey, 3 white."""
    if "colin" not in _CACHE:
        if not available():
            raise FileNotFoundError(f"Colin27 not found under {TEMPLATES}: install Debian's mricron-data")
        t1, affine = read_volume(os.path.join(TEMPLATES, T1_FILE))
        t1 = np.asarray(t1).astype(np.float32)
        aal = np.asarray(read_volume(os.path.join(TEMPLATES, AAL_FILE))[0]).astype(np.int32)
        brain = t1 > 0
        lab, n = label(brain)
        if n > 1:
            brain = lab == (np.argmax(np.bincount(lab.ravel())[1:]) + 1)
        brain = binary_fill_holes(brain)
        x = gaussian_filter(t1, 0.5)[brain]
        cls, centres = _kmeans_1d(x, np.percentile(x, [5, 45, 85]))
        rank = np.argsort(np.argsort(centres))  # cluster -> 0 CSF, 1 grey, 2 white
        classes = np.zeros(t1.shape, np.int8)
        classes[brain] = rank[cls] + 1
        classes, aff = _crop_to_brain(classes, affine, brain)
        aal = _crop_to_brain(aal, affine, brain)[0]
        _CACHE["colin"] = (classes, aal, aff)
    return _CACHE["colin"]


def colin_phantom(rng, data=None):
    """A random chi phantom of the Colin27 subject (a training subject, like brain_phantom.fs_phantom)."""
    classes, aal, aff = data if data is not None else load_colin()
    vs = _voxel_size(aff)
    chi = np.zeros(classes.shape, np.float32)
    mask = classes > 0
    grey, white = classes == 2, classes == 3
    chi[white] = rng.uniform(*WHITE)
    chi[grey] = rng.uniform(*CORTEX)
    for parcel in np.unique(aal[grey]):  # cortical parcels: one value each, as Destrieux parcels in fs_phantom
        if parcel == 0 or parcel in AAL_TO_ASEG:
            continue
        lo, hi = CEREBELLAR_CORTEX if parcel in AAL_CEREBELLUM else CORTEX
        chi[grey & (aal == parcel)] = rng.uniform(lo, hi)
    for parcel, aseg in AAL_TO_ASEG.items():  # nuclei: the label where the T1 is not CSF (AAL's are generous)
        lo, hi = FS_RANGES[aseg]
        chi[(aal == parcel) & (classes > 1)] = rng.uniform(lo, hi)
    for centre in MIDBRAIN:
        c = np.asarray(centre, float) + rng.uniform(-MIDBRAIN_JITTER_MM, MIDBRAIN_JITTER_MM, 3)
        _paint_ellipsoid(chi, aff, c, rng.uniform(2, 5, size=3), rng.uniform(*NUCLEUS), classes > 1)
    chi = gaussian_filter(chi, [0.5 / d for d in vs]) * mask  # partial volume at class edges
    chi += _texture(rng, classes.shape, vs, rng.uniform(0.003, 0.012), rng.uniform(1.0, 3.0)) * mask
    _add_veins(rng, chi, mask.astype(np.float32), aff, rng.integers(15, 40))
    chi *= rng.uniform(0.8, 1.25)
    return Phantom(chi * mask, mask, aff)
