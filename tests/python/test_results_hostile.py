"""ccrnn.read_results on hostile files: the minimised findings of tests/fuzz/fuzz_read_results.py. Each raised
something other than ResultsError (UnicodeDecodeError, TypeError, AttributeError, MemoryError, ValueError)
before the fix; now each is a ResultsError naming the file, or the malformed part is ignored."""
import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")
h5py = pytest.importorskip("h5py")


def task_file(path):
    f = h5py.File(path, "w")
    f.attrs["task"] = "linedraw"
    return f


def refused(path, *fragments):
    with pytest.raises(ccrnn.ResultsError) as error:
        ccrnn.read_results(path)
    for fragment in (str(path), *fragments):
        assert fragment in str(error.value)


def test_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "r.h5"
    with task_file(path) as f:
        f.attrs["model"] = np.bytes_(b"\xff\xfe")
    refused(path, "attribute 'model'", "not UTF-8")


def test_a_link_to_nothing(tmp_path):
    path = tmp_path / "r.h5"
    with task_file(path) as f:
        f["crnn"] = h5py.SoftLink("/nowhere")
    refused(path, "'/crnn' is a link to nothing")


@pytest.mark.parametrize("shape", [(1 << 32) + 1, ((1 << 32) + 1, 1 << 31)])
def test_a_dataset_declaring_more_than_the_file_stores(tmp_path, shape):
    path = tmp_path / "r.h5"
    shape = shape if isinstance(shape, tuple) else (shape,)
    with task_file(path) as f:
        f.create_group("crnn/seed_1").create_dataset("train_error", shape=shape, dtype="u1", chunks=(1,) * len(shape))
    refused(path, "'/crnn/seed_1/train_error' declares shape", "stores only 0 bytes")


def test_a_member_named_attrs_and_a_task_that_is_not_text(tmp_path):
    path = tmp_path / "r.h5"
    with task_file(path) as f:
        f["attrs"] = 1.0
    refused(path, "'/attrs'")
    with h5py.File(path, "w") as f:
        f.attrs["task"] = 3.5
    refused(path, "no 'task' text attribute")


def test_malformed_run_names_are_not_runs_and_uneven_curves_are_refused(tmp_path):
    path = tmp_path / "r.h5"
    with task_file(path) as f:
        f["crnn/seed_x/train_error"] = [1.0]
        f["crnn/seed_"] = 2.0  # a dataset, not a run
        for seed, length in ((1, 3), (2, 2)):
            g = f.create_group(f"crnn/seed_{seed}")
            g.attrs["seed"] = seed
            g["train_error"] = np.ones(length)
            if seed == 1:
                g.attrs["final_train_error"] = 0.5  # seed 2 lacks it (a KeyError before)
        f["runs"] = 1.0  # not a group: not a sweep
    res = ccrnn.read_results(path)
    assert not res.is_sweep and res.seeds("crnn") == [1, 2]
    scalars = res.scalars("crnn")["final_train_error"]
    assert scalars[0] == 0.5 and np.isnan(scalars[1])
    with pytest.raises(ccrnn.ResultsError, match="not one numeric curve per run"):
        res.curves("crnn", "train_error")
