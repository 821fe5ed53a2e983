"""ccrnn.read_results on files written by the executables, and its errors."""
import subprocess

import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")
h5py = pytest.importorskip("h5py")

FAST = ["--epochs", "3", "--train-size", "100", "--val-size", "20", "--test-repeats", "1", "--quiet"]


def test_a_line_drawing_file_reads_into_curves_scalars_and_arrays(linedraw, tmp_path):
    out = tmp_path / "ld.h5"
    subprocess.run([str(linedraw), *FAST, "--seeds", "2", "--hidden", "8", "--out", str(out)], check=True)
    res = ccrnn.read_results(out)
    assert res.task == "linedraw" and not res.is_sweep
    assert res.models == ["ccrnn", "crnn"] or res.models == ["crnn", "ccrnn"]
    curves = res.curves("ccrnn", "val_error")
    assert curves.shape == (2, 3) and np.isfinite(curves).all()
    with h5py.File(out) as f:  # the same numbers as h5py reads
        np.testing.assert_array_equal(curves[1], f["ccrnn/seed_2/val_error"][:])
        assert res.scalars("crnn")["test_error"][0] == f["crnn/seed_1"].attrs["test_error"]
    assert res.seeds("crnn") == [1, 2]
    assert res.runs("crnn")[0]["trajectories"].shape == (7, 10, 2)
    assert res.options["epochs"] == 3 and res.tree["cues"].tolist() == list(range(-3, 4))
    # the executable and the module come from one build: same float products
    assert res.options["float_products"] == ccrnn.float_products() in ("packed AVX-512", "Eigen")
    mean, sem = ccrnn.mean_and_sem(curves)
    assert mean.shape == sem.shape == (3,)
    with pytest.raises(ccrnn.ResultsError, match=f"{out}: no model 'bptt'"):
        res.curves("bptt", "val_error")
    with pytest.raises(ccrnn.ResultsError, match="has no curve 'val_ce'"):
        res.curves("crnn", "val_ce")


def test_a_sweep_file_lists_its_runs(sweep, tmp_path):
    out = tmp_path / "sweep.h5"
    subprocess.run([str(sweep), "--task", "linedraw", "--grid", "T=1,2", "--grid", "model=crnn", "--seeds", "1",
                    *FAST, "--out", str(out)], check=True)
    res = ccrnn.read_results(out)
    runs = res.sweep_runs()
    assert res.is_sweep and [r["T"] for r in runs] == [1, 2]
    assert all(r["val_error"].shape == (3,) for r in runs)


def test_files_that_are_not_results_are_refused_by_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.h5: no such file"):
        ccrnn.read_results(tmp_path / "nope.h5")
    text = tmp_path / "text.h5"
    text.write_text("not hdf5")
    with pytest.raises(ccrnn.ResultsError, match="text.h5: not a readable HDF5 file"):
        ccrnn.read_results(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(ccrnn.ResultsError, match="other.h5: not a ccrnn results file"):
        ccrnn.read_results(other)
