"""Trials data sets from Python: TrialSet/TrialsData from numpy, files written by h5py, batches, errors."""
import h5py
import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")

rng = np.random.default_rng(11)
L, N, I, C = 5, 4, 3, 2

# Trial 0 is supervised at every step, trial 1 at the last two, trials 2 and 3 at the last one.
MASK = np.zeros((L, N), dtype=bool)
MASK[:, 0] = True
MASK[-2:, 1] = True
MASK[-1:, 2:] = True


def classification_arrays():
    labels = np.where(MASK, rng.integers(0, 3, size=(L, N)), -1)
    return dict(inputs=rng.normal(size=(L, N, I)), labels=labels, mask=MASK, context=rng.normal(size=(N, C)))


def write_h5py_file(path, **changes):
    """A valid classification file written with h5py alone (float64 inputs, bool mask); `changes` maps a
    dataset path to a new array (None removes it) or 'classes' to a new value."""
    a = classification_arrays()
    datasets = {f"train/{k}": v for k, v in a.items()}
    datasets["validation/inputs"] = rng.normal(size=(7, 2, I)).astype(np.float32)
    datasets["validation/labels"] = rng.integers(0, 3, size=(7, 2))
    datasets["validation/context"] = rng.normal(size=(2, C))
    classes = changes.pop("classes", 3)
    datasets.update(changes)
    with h5py.File(path, "w") as f:
        for name, value in datasets.items():
            if value is not None:
                f[name] = value
        if classes is not None:
            f.attrs["classes"] = classes
        f.attrs["description"] = "written by h5py"
    return datasets


def test_an_h5py_file_loads_with_every_array(tmp_path):
    path = tmp_path / "trials.h5"
    written = write_h5py_file(path)
    data = ccrnn.load_trials(str(path))
    assert data.source == str(path)
    assert data.classes == 3 and data.is_classification and data.output_size == 3
    assert data.description == "written by h5py"
    assert data.test is None
    t = data.train
    assert (t.length, len(t), t.input_size, t.context_size) == (L, N, I, C)
    np.testing.assert_array_equal(t.inputs, written["train/inputs"].astype(np.float32))
    assert t.inputs.dtype == np.float32
    np.testing.assert_array_equal(t.labels, written["train/labels"])
    np.testing.assert_array_equal(t.mask, MASK)
    np.testing.assert_array_equal(t.context, written["train/context"].astype(np.float32))
    assert t.targets is None
    v = data.validation
    assert v.length == 7 and v.mask is None
    np.testing.assert_array_equal(v.inputs, written["validation/inputs"])


def test_make_batch_layout_and_masks():
    a = classification_arrays()
    s = ccrnn.TrialSet(**a)
    b = s.make_batch([2, 0])
    assert (b.length, b.size) == (L, 2)
    np.testing.assert_allclose(b.inputs, a["inputs"][:, [2, 0]].astype(np.float32))
    np.testing.assert_array_equal(b.labels, np.where(MASK[:, [2, 0]], a["labels"][:, [2, 0]], -1))
    np.testing.assert_array_equal(b.mask, MASK[:, [2, 0]])
    np.testing.assert_array_equal(b.supervised, MASK[:, [2, 0]].any(axis=1))
    np.testing.assert_allclose(b.context, a["context"][[2, 0]].astype(np.float32))
    shared = s.make_batch([2, 3])  # the same mask row: no per-trial mask
    assert shared.mask is None
    np.testing.assert_array_equal(shared.supervised, MASK[:, 2])


def test_regression_set_without_mask_and_round_trip(tmp_path):
    x, y = rng.normal(size=(L, N, I)), rng.normal(size=(L, N, 2))
    s = ccrnn.TrialSet(x, targets=y)
    assert not s.is_classification and s.output_size == 2 and s.mask is None and s.context is None
    b = s.make_batch([1, 3, 1])
    assert b.mask is None and b.supervised.all()
    np.testing.assert_allclose(b.targets, y[:, [1, 3, 1]].astype(np.float32))
    data = ccrnn.TrialsData(s, test=ccrnn.TrialSet(x[:2, :1], targets=y[:2, :1]), description="r")
    path = str(tmp_path / "out.h5")
    ccrnn.write_trials(path, data)
    with pytest.raises(RuntimeError, match="exists"):
        ccrnn.write_trials(path, data)
    ccrnn.write_trials(path, data, overwrite=True)
    back = ccrnn.load_trials(path)
    np.testing.assert_array_equal(back.train.targets, s.targets)
    np.testing.assert_array_equal(back.test.inputs, data.test.inputs)
    assert back.validation is None and back.description == "r"
    with h5py.File(path) as f:  # what other tools read
        assert f["train/inputs"].dtype == np.float32 and f["train/targets"].shape == (L, N, 2)
        assert "classes" not in f.attrs


def test_trialset_errors_are_value_errors_naming_the_array():
    a = classification_arrays()
    with pytest.raises(ValueError, match=r"^TrialSet: 'mask' has the value 2 at \[0, 0\]"):
        ccrnn.TrialSet(**{**a, "mask": np.where(MASK, 1, 0) + np.eye(L, N, dtype=int)})
    with pytest.raises(ccrnn.DataError, match=r"'inputs' has a non-finite value \(nan\) at \[1, 2, 0\]"):
        x = a["inputs"].copy()
        x[1, 2, 0] = np.nan
        ccrnn.TrialSet(**{**a, "inputs": x})
    with pytest.raises(ValueError, match="'labels' has dtype float64; it must be integer"):
        ccrnn.TrialSet(**{**a, "labels": a["labels"].astype(float)})
    with pytest.raises(ValueError, match="neither 'targets'"):
        ccrnn.TrialSet(a["inputs"])
    with pytest.raises(ValueError, match=r"'context' has shape \(3, 2\) but 'inputs' has shape \(5, 4, 3\)"):
        ccrnn.TrialSet(**{**a, "context": np.zeros((3, C))})
    s = ccrnn.TrialSet(**a)
    with pytest.raises(ValueError, match="'classes' is missing"):
        ccrnn.TrialsData(s)
    with pytest.raises(ValueError, match=r"^TrialsData: '/validation/context' is missing"):
        ccrnn.TrialsData(s, validation=ccrnn.TrialSet(a["inputs"], labels=a["labels"], mask=MASK), classes=3)
    with pytest.raises(IndexError):
        s.make_batch([N])


def test_a_bad_h5py_file_raises_naming_the_file_and_dataset(tmp_path):
    path = tmp_path / "bad.h5"
    bad = np.where(MASK, 5, -1)  # label 5 with 3 classes
    write_h5py_file(path, **{"train/labels": bad})
    with pytest.raises(ccrnn.DataError, match=rf"^{path}: '/train/labels' has the label 5 at \[0, 0\], outside \[0, classes = 3\)"):
        ccrnn.load_trials(str(path))
    write_h5py_file(path, classes=None)
    with pytest.raises(ValueError, match=rf"^{path}: 'classes' is missing"):
        ccrnn.load_trials(str(path))
    write_h5py_file(path, **{"validation/context": None})
    with pytest.raises(ValueError, match=rf"^{path}: '/validation/context' is missing but '/train/context' is present"):
        ccrnn.load_trials(str(path))
    with pytest.raises(ccrnn.DataError, match=rf"^{tmp_path}/none.h5: file not found"):
        ccrnn.load_trials(str(tmp_path / "none.h5"))
