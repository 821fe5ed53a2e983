"""Trained models in results files: every run's parameters under PyTorch's names, ccrnn.load_model giving
back a Model whose forward pass reproduces the run's outputs bit for bit, and --no-weights."""
import subprocess

import h5py
import numpy as np
import pytest

import ccrnn


def run(*args, timeout=600):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)


FAST = ["--epochs", "3", "--train-size", "100", "--val-size", "20", "--test-repeats", "1", "--hidden", "12",
        "--cerebellum-hidden", "20", "--quiet"]


def test_a_loaded_model_draws_the_stored_trajectories_bit_for_bit(linedraw, tmp_path):
    out = tmp_path / "ld.h5"
    r = run(linedraw, "--model", "crnn,ccrnn", "--seeds", "2", *FAST, "--out", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        w = f["ccrnn/seed_2/weights"]
        assert w.attrs["cerebellum"] == 1 and w.attrs["hidden_size"] == 12 and w.attrs["cell"] == "lstm"
        assert w["final/cortex.weight_hh_l0"].shape == (48, 12) and w["final/cortex.bias_ih_l0"].shape == (48,)
        assert w["final/readout.weight"].dtype == np.float32
        assert "cerebellum.layers.0.weight" in w["final"] and "cerebellum.layers.0.weight" not in f["crnn/seed_2/weights/final"]
        stored = {(m, s): f[f"{m}/seed_{s}/trajectories"][()] for m in ("crnn", "ccrnn") for s in (1, 2)}
    cues = ccrnn.LineDrawing().make_batch(ccrnn.LineDrawing.cues())
    for model in ("crnn", "ccrnn"):
        for seed in (1, 2):
            net = ccrnn.load_model(out, model=model, seed=seed)
            drawn = net.forward(cues)["outputs"].transpose(1, 0, 2)  # (7, L, 2)
            assert np.array_equal(drawn, stored[(model, seed)]), (model, seed)
    with pytest.raises(RuntimeError, match="no 'best' weights"):
        ccrnn.load_model(out, model="ccrnn", seed=1, which="best")
    with pytest.raises(RuntimeError, match="no run of model 'bptt'"):
        ccrnn.load_model(out, model="bptt", seed=1)


def test_no_weights_leaves_them_out(linedraw, tmp_path):
    out = tmp_path / "ld.h5"
    r = run(linedraw, "--model", "ccrnn", "--seeds", "1", *FAST, "--no-weights", "--out", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert "weights" not in f["ccrnn/seed_1"]
    with pytest.raises(RuntimeError, match="holds no weights"):
        ccrnn.load_model(out, model="ccrnn", seed=1)


def test_a_python_run_returns_its_weights_and_they_set_a_model():
    r = ccrnn.run("linedraw", model="ccrnn", seed=4, epochs=2, train_size=100, val_size=20, test_repeats=1, hidden=10,
                  cerebellum_hidden=16)
    final = r["weights"]["final"]
    assert final["cortex.weight_ih_l0"].shape == (40, 1) and final["cortex.weight_ih_l0"].dtype == np.float32
    net = ccrnn.Model(hidden_size=10, cerebellum=True, cerebellum_hidden=16, seed=4)
    net.set_parameters(final)
    drawn = net.forward(ccrnn.LineDrawing().make_batch(ccrnn.LineDrawing.cues()))["outputs"].transpose(1, 0, 2)
    assert np.array_equal(drawn, r["arrays"]["trajectories"])
