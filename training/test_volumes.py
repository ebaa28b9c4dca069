"""The .npz cache of the anatomy (volumes.py, cache_volumes.py) for machines without nibabel."""
import os
import subprocess
import sys

import numpy as np
import pytest

import brain_phantom as bp
import cache_volumes
from volumes import read_volume

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = pytest.mark.skipif(not all(os.path.exists(f) for f in cache_volumes.FILES), reason="anatomy absent")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("volumes"))
    cache_volumes.main(d)
    return d


def test_cache_holds_each_volume_exactly(cache, monkeypatch):
    for f in cache_volumes.FILES:
        want, want_aff = read_volume(f)
        monkeypatch.setenv("QSM_VOLUMES", cache)
        got, got_aff = read_volume(f)
        monkeypatch.delenv("QSM_VOLUMES")
        assert got.dtype == want.dtype and np.array_equal(got, want) and np.array_equal(got_aff, want_aff)


def test_phantoms_come_from_the_cache_without_nibabel(cache):
    # a fresh interpreter in which importing nibabel fails, as on the device machine
    code = (
        "import sys; sys.modules['nibabel'] = None; sys.path.insert(0, %r)\n"
        "import numpy as np, brain_phantom as bp, colin_phantom as cp\n"
        "a = bp.fs_phantom(np.random.default_rng(5)); b = cp.colin_phantom(np.random.default_rng(5))\n"
        "m = bp.mni_phantom(); f = bp.flair_phantom()\n"
        "print(float(a.chi.sum()), float(b.chi.sum()), float(m.chi.sum()), float(f.chi.sum()))\n" % HERE
    )
    env = dict(os.environ, QSM_VOLUMES=cache)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    import colin_phantom as cp

    want = [float(bp.fs_phantom(np.random.default_rng(5)).chi.sum()), float(cp.colin_phantom(np.random.default_rng(5)).chi.sum()),
            float(bp.mni_phantom().chi.sum()), float(bp.flair_phantom().chi.sum())]
    assert np.allclose([float(v) for v in out.stdout.split()], want, rtol=1e-6)


def test_a_missing_cached_file_names_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("QSM_VOLUMES", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="cache_volumes.py"):
        read_volume(os.path.join(bp.DATA, bp.FS_FILE))
