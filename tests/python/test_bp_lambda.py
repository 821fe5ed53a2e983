"""BP(lambda) from Python and the command line: the settings reach the trainer (a run with them differs from
the DNI's and repeats bit for bit), recordings carry every step's learning signal and TD errors, and the toy
task's trials file and alignment script work end to end (docs/bp-lambda.md)."""
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SMALL = dict(model="ccrnn", seed=2, epochs=2, train_size=100, val_size=20, test_repeats=1, hidden=8,
             cerebellum_layers=0, T=1)


def test_online_run_is_deterministic_and_differs_from_the_dni():
    a = ccrnn.run("linedraw", online=True, bp_lambda=0.5, bp_gamma=0.9, **SMALL)
    b = ccrnn.run("linedraw", online=True, bp_lambda=0.5, bp_gamma=0.9, **SMALL)
    dni = ccrnn.run("linedraw", **SMALL)
    other_lambda = ccrnn.run("linedraw", online=True, bp_lambda=1.0, bp_gamma=0.9, **SMALL)
    np.testing.assert_array_equal(a["curves"]["train_error"], b["curves"]["train_error"])
    assert not np.array_equal(a["curves"]["train_error"], dni["curves"]["train_error"])
    assert not np.array_equal(a["curves"]["train_error"], other_lambda["curves"]["train_error"])


def test_online_recordings_have_learning_signals_and_td_errors():
    r = ccrnn.run("linedraw", online=True, bp_lambda=0.5, record_every=4, record_arrays=True, **SMALL)
    rec = r["recordings"][0]
    L, B, S = 10, 50, 16  # an LSTM's [h; c]
    assert rec.learning_signals.shape == rec.true_learning_signals.shape == rec.td_errors.shape == (L, B, S)
    assert np.all(rec.td_errors[0] == 0)           # s_0 is not trained by default
    assert np.abs(rec.td_errors[1:]).max() > 0
    alignment = rec.learning_signal_alignment()
    assert alignment["per_sample"].shape == (L, B)
    assert "alignment_learning_signal_t0" in r["curves"]
    dni = ccrnn.run("linedraw", record_every=4, record_arrays=True, **SMALL)
    assert dni["recordings"][0].learning_signals is None
    assert "alignment_learning_signal" not in dni["curves"]


def test_cerebellar_learning_rate_reaches_both_trainers():
    """--lr-cerebellum: equal to --lr (line drawing's 1e-3) it changes no number; another value changes the run,
    DNI and BP(lambda) alike; a negative one is refused naming the option."""
    for extra in ({}, dict(online=True, bp_lambda=0.5)):
        base = ccrnn.run("linedraw", **extra, **SMALL)
        same = ccrnn.run("linedraw", lr_cerebellum=1e-3, **extra, **SMALL)
        other = ccrnn.run("linedraw", lr_cerebellum=1e-5, **extra, **SMALL)
        np.testing.assert_array_equal(base["curves"]["train_error"], same["curves"]["train_error"])
        assert not np.array_equal(base["curves"]["train_error"], other["curves"]["train_error"])
    with pytest.raises(ValueError, match="--lr-cerebellum must be >= 0"):
        ccrnn.run("linedraw", lr_cerebellum=-1e-3, **SMALL)


def test_bad_bp_lambda_settings_are_refused():
    with pytest.raises(ValueError, match="--online trains with windows of one step"):
        ccrnn.run("linedraw", online=True, **{**SMALL, "T": 2})
    with pytest.raises(ValueError, match="--bp-lambda must be in"):
        ccrnn.run("linedraw", online=True, bp_lambda=1.5, **SMALL)


def test_toy_task_file_and_alignment_script(tmp_path, train):
    toy = tmp_path / "toy.h5"
    make = [sys.executable, str(ROOT / "scripts" / "make_bp_lambda_toy.py"), str(toy), "--trials-per-split", "20"]
    subprocess.run(make, check=True)
    assert subprocess.run(make, capture_output=True, text=True).returncode == 1  # never overwrites
    import h5py
    with h5py.File(toy, "r") as f:
        cue = f["train/inputs"][0, 0]
        assert cue.tolist() == [1, 1, 0, 1, 0, 0, 0, 0, 0, 1]  # bin(RandomState(123).choice(1024))
        assert f["train/mask"][:, 0].tolist() == [False] * 9 + [True]
        np.testing.assert_array_equal(f["train/targets"][-1, 0], [0, 1])
    run = dict(trials=str(toy), model="ccrnn", seed=1, batch=10, cell="tanh", hidden=6, cerebellum_layers=0,
               freeze_cortex=True, T=1, no_final_injection=True)
    trained = ccrnn.run("trials", epochs=2, online=True, bp_lambda=1.0, **run)["weights"]["final"]
    initial = ccrnn.run("trials", epochs=1, lr=1e-30, **run)["weights"]["final"]
    # The frozen cortex did not move; the cerebellum did.
    np.testing.assert_array_equal(trained["cortex.weight_hh_l0"], initial["cortex.weight_hh_l0"])
    assert np.abs(trained["cerebellum.layers.0.weight"]).max() > 0
    # The alignment script reads runs recorded with arrays.
    out = tmp_path / "bp1.h5"
    cli = [str(train), "--task", "trials", "--trials", str(toy),
           "--model", "ccrnn", "--seeds", "2", "--epochs", "2", "--batch", "10", "--cell", "tanh", "--hidden", "6",
           "--cerebellum-layers", "0", "--freeze-cortex", "--T", "1", "--online", "--record-every", "1",
           "--record-arrays", "--quiet", "--out", str(out)]
    subprocess.run(cli, check=True)
    table = subprocess.run([sys.executable, str(ROOT / "scripts" / "bp_lambda_alignment.py"), f"BP1={out}",
                            f"again={out}"], check=True, capture_output=True, text=True).stdout
    rows = {line.split()[0]: line for line in table.splitlines() if line.startswith(("BP1", "again"))}
    assert set(rows) == {"BP1", "again"} and "t=8" in table


def test_linear_cell_and_crnn_alignment_script(tmp_path, train):
    """The linear cell is identity: h_1 = W_ih x_0 + b (zero initial state); a cRNN file's truncated
    gradients go through the alignment script (zero away from the target's window)."""
    import h5py
    toy = tmp_path / "toy.h5"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_bp_lambda_toy.py"), str(toy),
                    "--trials-per-split", "20"], check=True)
    out = tmp_path / "crnn.h5"
    subprocess.run([str(train), "--task", "trials", "--trials", str(toy), "--model", "crnn", "--seeds", "1",
                    "--epochs", "1", "--batch", "10", "--cell", "linear", "--hidden", "6", "--freeze-cortex",
                    "--T", "1", "--record-every", "1", "--record-arrays", "--quiet", "--out", str(out)], check=True)
    with h5py.File(out, "r") as f:
        run = f["crnn/seed_1"]
        w = {k: run["weights/final"][k][()] for k in ("cortex.weight_ih_l0", "cortex.bias_ih_l0", "cortex.bias_hh_l0")}
        with h5py.File(toy, "r") as t:
            x0 = t["train/inputs"][0, 0]
        rec = run["recordings"][sorted(run["recordings"])[0]]
        h1 = rec["states"][:, 10]  # boundary 1 of the first sample (columns are boundary-major, batch 10)
        np.testing.assert_allclose(h1, w["cortex.weight_ih_l0"] @ x0 + w["cortex.bias_ih_l0"] + w["cortex.bias_hh_l0"],
                                   rtol=1e-5, atol=1e-6)
    table = subprocess.run([sys.executable, str(ROOT / "scripts" / "bp_lambda_alignment.py"), f"cRNN={out}"],
                           check=True, capture_output=True, text=True).stdout
    row = next(line for line in table.splitlines() if line.startswith("cRNN")).split()
    assert row[1].startswith("0.000") and row[9].startswith("1.000")  # t = 0: no credit; t = 8: exact


def test_copy_repeat_runs_from_python_with_its_curriculum():
    r = ccrnn.run("copyrepeat", model="ccrnn", seed=1, epochs=2, batch=4, batches_per_epoch=3, hidden=6,
                  val_size=4, test_size=4, threshold_bits=100.0, online=True, T=1, cerebellum_layers=0)
    assert list(r["arrays"]["level_by_iteration"]) == [2, 3, 4, 5, 6, 7]
    assert r["scalars"]["final_level"] == 7 and r["scalars"]["pattern_length"] == 4
    with pytest.raises(ValueError, match="--bits"):
        ccrnn.run("copyrepeat", bits=0, epochs=1)
