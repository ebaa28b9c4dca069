"""Acceptance check of the qsm command on a brain-sized phantom, against an independent numpy implementation.

For two acquisitions of the same analytic phantom -- 1 mm isotropic, axial (160x200x160), and
1x1x2 mm with the slices tilted 25 degrees about x (160x200x80) -- it writes chi with nibabel, runs
    npm run qsm -- forward --chi chi.nii.gz --out field.nii.gz
    npm run qsm -- invert  --field field.nii.gz --method tkd --out tkd.nii.gz
and recomputes both steps in numpy (float64) from DESIGN.md's formulas: B0 direction from the affine, then
src/core/__fixtures__/dipole_numpy.py (dipole kernel k_i = m_i / (N_i d_i), D = 1/3 - (k.b)^2/|k|^2, zero
padding to >= 1.5x each axis, 5-smooth sizes), TKD threshold 0.19 with the sign kept. It prints the NRMSE
(%, inside the brain) of our field and our TKD against numpy's (target < 2 %), and the wall times.

Usage: /usr/bin/python3 bench/brain_roundtrip.py [--keep DIR]   (data go to a temp folder, never the repo)
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src", "core", "__fixtures__"))
import dipole_numpy as dn  # noqa: E402  the numpy dipole reference (kernel, padding, filtering) shared with the core fixture
THRESHOLD = 0.19


# ---------- phantom: ellipsoids and cylinders in mm, centred on the field of view ----------
def phantom(dims, voxel):
    """chi (ppm) sampled at voxel centres; coordinates in mm from the volume centre, voxel axes."""
    ax = [(np.arange(n) - (n - 1) / 2) * d for n, d in zip(dims, voxel)]
    x, y, z = np.meshgrid(*ax, indexing="ij")
    chi = np.zeros(dims, np.float64)

    def ell(c, r):
        return ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2 <= 1

    brain = ell((0, 0, 0), (66, 86, 64))
    chi[brain] = 0.02  # cortical grey matter
    chi[ell((0, 0, -2), (54, 72, 50))] = -0.03  # white matter
    chi[ell((-8, 8, 6), (5, 18, 10)) | ell((8, 8, 6), (5, 18, 10))] = 0.0  # ventricles (CSF reference)
    for s in (-1, 1):
        chi[ell((s * 14, 14, 4), (5, 10, 8))] = 0.06  # caudate
        chi[ell((s * 24, 2, -2), (6, 14, 10))] = 0.08  # putamen
        chi[ell((s * 18, -2, -4), (4, 8, 6))] = 0.16  # globus pallidus
        chi[ell((s * 8, -22, -18), (3, 6, 4))] = 0.15  # substantia nigra
        chi[ell((s * 5, -18, -12), (3, 3, 3))] = 0.12  # red nucleus
    chi[ell((30, -30, 20), (3, 3, 3))] = -0.2  # calcification
    # veins: superior sagittal sinus (along y, near the top), straight sinus, a cortical vein
    chi[((x / 2.5) ** 2 + ((z - 58) / 2.5) ** 2 <= 1) & (np.abs(y) < 70)] = 0.4
    chi[((x / 2) ** 2 + ((z - 0.55 * (y + 60)) / 2) ** 2 <= 1) & (y > -80) & (y < -40)] = 0.35
    chi[(((x + 40) / 1.5) ** 2 + ((z - 30) / 1.5) ** 2 <= 1) & (np.abs(y - 10) < 40)] = 0.3
    # gentle texture so the volume is not piecewise constant
    chi[brain] += 0.005 * np.sin(x[brain] / 7.0) * np.cos(y[brain] / 9.0) * np.sin(z[brain] / 5.0 + 1)
    chi[~brain] = 0
    return chi.astype(np.float32), brain


def rot_x(deg):
    a = math.radians(deg)
    return np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])


def affine_for(dims, voxel, tilt_deg):
    a = np.eye(4)
    a[:3, :3] = rot_x(tilt_deg) @ np.diag(voxel)
    a[:3, 3] = -a[:3, :3] @ ((np.array(dims) - 1) / 2)
    return a


# ---------- numpy reference (float64), straight from DESIGN.md ----------
def b0_dir(affine):
    a = affine[:3, :3]
    vox = np.linalg.norm(a, axis=0)
    r = a / vox
    b = r.T @ np.array([0.0, 0.0, 1.0])
    return b / np.linalg.norm(b)


def filtered(data, voxel, weights_of_d, b):
    h = weights_of_d(dn.dipole(dn.pad_shape(data.shape), voxel, b))
    return dn.filtered(data.astype(np.float64), h)


def np_forward(chi, voxel, b):
    return filtered(chi, voxel, lambda d: d, b)


def np_tkd(field, voxel, b, t=THRESHOLD):
    def inv(d):
        with np.errstate(divide="ignore"):
            h = np.where(np.abs(d) >= t, 1 / np.where(d == 0, 1, d), np.sign(d) / t)
        h[d == 0] = 0
        return h

    return filtered(field, voxel, inv, b)


def nrmse(x, r, mask):
    return 100 * np.linalg.norm((x - r)[mask]) / np.linalg.norm(r[mask])


# ---------- driver ----------
def qsm(*args):
    t0 = time.perf_counter()
    p = subprocess.run(["npx", "tsx", "src/cli/main.ts", *args], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"qsm {args[0]} failed ({p.returncode}):\n{p.stderr}")
    step = re.search(r"done in ([\d.]+) s", p.stderr)
    return wall, float(step.group(1)) if step else float("nan"), p.stderr


def run_case(name, dims, voxel, tilt, work):
    chi, brain = phantom(dims, voxel)
    aff = affine_for(dims, voxel, tilt)
    img = nib.Nifti1Image(chi, aff)
    img.header.set_xyzt_units("mm")
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    chi_path, field_path, tkd_path = (os.path.join(work, f"{name}_{s}.nii.gz") for s in ("chi", "field", "tkd"))
    nib.save(img, chi_path)

    fw_wall, fw_step, fw_err = qsm("forward", "--chi", chi_path, "--out", field_path)
    inv_wall, inv_step, _ = qsm("invert", "--field", field_path, "--method", "tkd", "--out", tkd_path)
    acq_line = next(line for line in fw_err.splitlines() if "B0 direction" in line)

    b = b0_dir(aff)
    t0 = time.perf_counter()
    field_np = np_forward(chi, voxel, b)
    np_fw = time.perf_counter() - t0
    ours_field = np.asarray(nib.load(field_path).dataobj, dtype=np.float64)
    t0 = time.perf_counter()
    tkd_np = np_tkd(ours_field, voxel, b)  # numpy TKD of the same input our TKD saw
    np_tkd_s = time.perf_counter() - t0
    ours_tkd = np.asarray(nib.load(tkd_path).dataobj, dtype=np.float64)
    out_aff = nib.load(tkd_path).affine

    return {
        "case": name,
        "dims": list(dims),
        "voxel_mm": list(voxel),
        "tilt_deg": tilt,
        "b0_dir_numpy": [round(v, 6) for v in b],
        "cli_acquisition": acq_line.split(": ", 1)[1],
        "output_affine_max_err_mm": float(np.max(np.abs(out_aff - aff))),
        "nrmse_field_ours_vs_numpy_pct": float(f"{nrmse(ours_field, field_np, brain):.3g}"),
        "nrmse_tkd_ours_vs_numpy_pct": float(f"{nrmse(ours_tkd, tkd_np, brain):.3g}"),
        "nrmse_tkd_vs_true_chi_pct": round(nrmse(ours_tkd, chi.astype(np.float64), brain), 2),
        "wall_s": {"qsm_forward": round(fw_wall, 2), "qsm_forward_step": fw_step, "qsm_invert_tkd": round(inv_wall, 2),
                   "qsm_invert_tkd_step": inv_step, "numpy_forward": round(np_fw, 2), "numpy_tkd": round(np_tkd_s, 2)},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", help="write the volumes here and keep them (default: a temp folder, removed)")
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="qsm_brain_")
    os.makedirs(work, exist_ok=True)
    cases = [("axial_1mm", (160, 200, 160), (1.0, 1.0, 1.0), 0.0), ("tilt25_1x1x2mm", (160, 200, 80), (1.0, 1.0, 2.0), 25.0)]
    results = []
    try:
        for c in cases:
            r = run_case(*c, work)
            print(json.dumps(r), flush=True)
            results.append(r)
    finally:
        if not args.keep:
            for f in os.listdir(work):
                os.remove(os.path.join(work, f))
            os.rmdir(work)
    worst = max(r["nrmse_tkd_ours_vs_numpy_pct"] for r in results)
    print(f"worst NRMSE of our TKD vs numpy TKD: {worst:.3g} % (target < 2 %): {'PASS' if worst < 2 else 'FAIL'}")
    sys.exit(0 if worst < 2 else 1)


if __name__ == "__main__":
    main()
