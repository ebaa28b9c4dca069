"""Superseded by src/core/phase/tfi.ts (`qsm field --bg tfi`, the default) and bench/tfiField.ts; kept as the session-12
lead it was. Its gradient is per mm and it solves on the whole field of view, so its lambda is 2x tfi.ts's at 2 mm.

A numpy prototype of total-field inversion (TFI, Liu et al. 2018) on the simulated head, to ask whether
fitting chi over the whole field of view with a preconditioner (1 inside the brain, PB outside) and an L1
gradient prior (IRLS, 8 outer x 30 CG) keeps the part of the brain's own field that PDF takes for background
(issue 11's floor). Reports the local field of the estimated inside sources against the true local field, and
chi against the truth, both in the eroded brain.

    npx tsx bench/makeHeadPhantom.ts /tmp/head96 96 2
    /usr/bin/python3 bench/tfi_prototype.py /tmp/head96 LAMBDA,PB,L1 [...]   # e.g. 1e-3,30,1
    (environment: TOTAL= MASK= the field and mask to fit; OUTER= INNER= IRLS and CG counts; PAD= the padding factor)

Session 12 (96^3, 2 mm; TKD of the true local field is 47.1 % from the true chi):
- noise-free true total field: lambda 1e-4, PB 30: local 28.7 % (PDF, 20 iterations: 49.9 %), TKD of it vs TKD of
  the true local 34.0 %, chi 63.7 %; lambda 3e-5: local 29.9 %; 1e-3: 50.8 %; 1e-2: 95.5 %; PB 1 diverges (1455 %).
- the pipeline's noisy total field (`qsm field --out-total total_pipe --out-mask mask_pipe` on the same head;
  TOTAL=total_pipe MASK=mask_pipe), lambda 1e-4: local 31.2 % against `qsm field`'s own romeo + PDF 38.7 %, TKD of it
  vs TKD of the true local 39.4 % against PDF's 60.1 %, chi 64.1 % against TKD-of-PDF's 74.0 % (TKD baseline 48.3 %).
  With the true mask instead (a first, wrong run) it failed at 124-142 %: the pipeline's total field is 0 outside its mask.
"""
import sys, numpy as np, nibabel as nib, time
d = sys.argv[1]
ld = lambda n: np.asarray(nib.load(f'{d}/{n}.nii.gz').dataobj, dtype=np.float64)
# TOTAL=name (e.g. total_pipe, from `qsm field --out-total DIR/total_pipe.nii.gz`) fits a noisy total field instead;
# give it with its own mask (MASK=mask_pipe, from --out-mask): the pipeline's total field is 0 outside that mask
import os
tot, loc, M, ev, chi = ld(os.environ.get('TOTAL', 'total_true')), ld('local_true'), ld(os.environ.get('MASK', 'mask_true')) > 0, ld('local_mask') > 0, ld('chi_true')
tot = np.nan_to_num(tot) * M  # the data term only sees the brain mask
n = tot.shape
vs = float(nib.load(f'{d}/total_true.nii.gz').header.get_zooms()[0])  # isotropic, as makeHeadPhantom writes it
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'training'))
from dipole import dipole_kernel, forward_field, padded_shape, tkd as tkd_  # the DESIGN.md kernel and TKD, not a copy
from metrics import nrmse
pad = padded_shape(n, float(os.environ.get('PAD', 1.5)))  # PAD=1.25: a smaller padded grid, for speed
D = dipole_kernel(pad, (vs,) * 3, (0.0, 0.0, 1.0))  # makeHeadPhantom's B0 is along the third voxel axis
def P_(x):  # pad
    o = np.zeros(pad); o[:n[0], :n[1], :n[2]] = x; return o
def C_(x): return x[:n[0], :n[1], :n[2]]
conv = lambda x: np.real(np.fft.ifftn(D * np.fft.fftn(x)))
Mp = P_(M.astype(float)) > 0
def grad(x): return np.stack([np.roll(x, -1, a) - x for a in range(3)]) / vs
def div_t(g): return sum(np.roll(g[a], 1, a) - g[a] for a in range(3)) / vs  # adjoint of grad
def cg(A, b, x, it):
    r = b - A(x); p = r.copy(); rr = (r*r).sum()
    for _ in range(it):
        Ap = A(p); a = rr / (p*Ap).sum(); x += a*p; r -= a*Ap
        rn = (r*r).sum(); p = r + rn/rr*p; rr = rn
    return x
def tfi(f, lam, Pb, outer=8, inner=30, eps=1e-3, l1=True):
    outer, inner = int(os.environ.get('OUTER', outer)), int(os.environ.get('INNER', inner))  # OUTER=4 INNER=15: cheaper
    w2 = P_(M.astype(float))
    Pw = np.where(Mp, 1.0, Pb)
    y = np.zeros(pad)
    b = Pw * conv(w2 * P_(f))
    for o in range(outer):
        chi_ = Pw * y
        if l1:
            g = grad(chi_); Wg = 1 / np.sqrt((g**2).sum(0) + eps**2)
        else:
            Wg = 1.0
        A = lambda v: Pw * conv(w2 * conv(Pw * v)) + lam * Pw * div_t(Wg * grad(Pw * v))
        y = cg(A, b, y, inner)
    return C_(Pw * y)
t0 = time.time()
def tkd(f):  # the project's TKD of the field inside the mask
    return np.where(M, tkd_(np.where(M, f, 0), (vs,) * 3, (0.0, 0.0, 1.0)), 0)
print(f'baseline: TKD of the true local field vs true chi (eval) {nrmse(tkd(loc), chi, ev):.1f}', flush=True)
for lam, Pb, l1 in [(float(a), float(b_), int(c)) for a, b_, c in (s.split(',') for s in sys.argv[2:])]:
    x = tfi(tot, lam, Pb, l1=bool(l1))
    xin = np.where(M, x, 0)
    lf = np.where(M, forward_field(xin, (vs,) * 3, (0.0, 0.0, 1.0)), 0)  # the field of the inside sources
    print(f'lam {lam} Pb {Pb} l1 {l1}: local vs true {nrmse(lf, loc, ev):.1f}  TKD of it vs TKD of true local {nrmse(tkd(lf), tkd(loc), ev):.1f}  chi vs true (eval) {nrmse(xin, chi, ev):.1f}  ({time.time()-t0:.0f}s)', flush=True)
