"""The loop tasks evidence, association and loopdigits from Python (ccrnn.run, load_model) and from the command line,
where a loop run extended from its kept checkpoint equals a run asked for that many epochs from the start."""
import subprocess

import numpy as np
import pytest

from test_checkpoint_app import assert_same_file

SMALL = dict(epochs=2, train_size=40, val_size=10, test_size=20, cerebellum_hidden=30, hidden=12)


@pytest.mark.parametrize("task, inputs, outputs", [("evidence", 2, 3), ("association", 10, 2), ("loopdigits", 10, 2)])
def test_python_runs_are_paired_and_deterministic(task, inputs, outputs):
    import ccrnn
    crnn = ccrnn.run(task, model="crnn", seed=3, **SMALL)
    ccrnn_run = ccrnn.run(task, model="ccrnn", seed=3, **SMALL)
    again = ccrnn.run(task, model="ccrnn", seed=3, **SMALL)
    assert crnn["scalars"]["test_error"] == crnn["scalars"]["ablated_test_error"]  # no cerebellar feedback
    assert np.array_equal(again["curves"]["train_error"], ccrnn_run["curves"]["train_error"])
    weights = ccrnn_run["weights"]["final"]
    assert np.asarray(weights["cortex.weight_ih_l0"]).shape == (12, inputs + outputs)  # [x_t; c_t]
    assert np.asarray(weights["readout.weight"]).shape == (outputs, 12)


def test_a_loop_run_continues_from_its_kept_checkpoint(train, tmp_path):
    args = ["--task", "evidence", "--seeds", "1", "--model", "crnn,ccrnn", "--length", "12", "--train-size", "30",
            "--val-size", "10", "--test-size", "20", "--cerebellum-hidden", "30"]
    # Same relative --out and options in two directories: the files may differ only in wall-clock attributes.
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    straight.mkdir(), resumed.mkdir()
    same = [*args, "--checkpoint-every", "1", "--keep-checkpoints", "--overwrite", "--out", "run.h5"]

    def train_in(directory, *more):
        r = subprocess.run([str(train), *same, *more], capture_output=True, text=True, cwd=directory)
        assert r.returncode == 0, r.stderr
        return r.stdout + r.stderr

    train_in(straight, "--epochs", "3")
    train_in(resumed, "--epochs", "1")
    assert "resum" in train_in(resumed, "--epochs", "3").lower()
    assert_same_file(straight / "run.h5", resumed / "run.h5")
