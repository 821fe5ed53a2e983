"""A run's weights exported for PyTorch (ccrnn.export_weights): PyTorch's names and shapes, checked against a
NumPy forward pass of the exported arrays (no torch needed), against torch itself when it is installed, and
back into a ccrnn Model bit for bit."""
import subprocess

import h5py
import numpy as np
import pytest

import ccrnn


def run(*args, timeout=600):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def results(linedraw, tmp_path_factory):
    out = tmp_path_factory.mktemp("weights") / "ld.h5"
    r = run(linedraw, "--model", "crnn,ccrnn", "--seeds", "1", "--epochs", "4", "--train-size", "100", "--val-size",
            "20", "--test-repeats", "1", "--hidden", "12", "--cerebellum-hidden", "20", "--quiet", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def numpy_lstm_readout(w, inputs):
    """PyTorch's LSTM (gates i, f, g, o) and Linear, in float64: inputs (L, B, I) -> outputs (L, B, O)."""
    sigmoid = lambda x: 1.0 / (1.0 + np.exp(-x))  # noqa: E731
    W_ih, W_hh = w["cortex.weight_ih_l0"].astype(float), w["cortex.weight_hh_l0"].astype(float)
    b = w["cortex.bias_ih_l0"].astype(float) + w["cortex.bias_hh_l0"].astype(float)
    n = W_hh.shape[1]
    h = np.zeros((inputs.shape[1], n))
    c = np.zeros_like(h)
    outputs = []
    for x in inputs:
        gates = x @ W_ih.T + h @ W_hh.T + b
        i, f, g, o = sigmoid(gates[:, :n]), sigmoid(gates[:, n:2 * n]), np.tanh(gates[:, 2 * n:3 * n]), sigmoid(gates[:, 3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        outputs.append(h @ w["readout.weight"].astype(float).T + w["readout.bias"].astype(float))
    return np.stack(outputs)


def test_exported_weights_have_pytorchs_names_and_draw_the_run(results, tmp_path):
    cues = ccrnn.LineDrawing().make_batch(ccrnn.LineDrawing.cues())
    for model in ("crnn", "ccrnn"):
        out = tmp_path / f"{model}.npz"
        config = ccrnn.export_weights(results, out, model=model, seed=1)
        assert config["hidden_size"] == 12 and config["cell"] == "lstm" and config["cerebellum"] == (model == "ccrnn")
        w = dict(np.load(out))
        assert w["cortex.weight_ih_l0"].shape == (48, 1) and w["cortex.bias_hh_l0"].shape == (48,)
        assert w["readout.weight"].shape == (2, 12) and w["readout.weight"].dtype == np.float32
        assert ("cerebellum.layers.0.weight" in w) == (model == "ccrnn")
        with h5py.File(results, "r") as f:
            stored = f[f"{model}/seed_1/trajectories"][()]  # (7, L, 2)
        drawn = numpy_lstm_readout(w, cues.inputs).transpose(1, 0, 2)
        assert np.allclose(drawn, stored, rtol=1e-4, atol=1e-4)  # float64 NumPy against float32 ccrnn
        back = ccrnn.model_from_weights(w, config, seed=1)
        assert np.array_equal(back.forward(cues)["outputs"].transpose(1, 0, 2), stored)  # bit for bit
    with pytest.raises(FileExistsError):
        ccrnn.export_weights(results, tmp_path / "ccrnn.npz", model="ccrnn", seed=1)
    with pytest.raises(KeyError, match="no run of model 'bptt'"):
        ccrnn.export_weights(results, tmp_path / "x.npz", model="bptt", seed=1)


def test_torch_loads_the_exported_weights(results, tmp_path):
    torch = pytest.importorskip("torch")
    out = tmp_path / "ccrnn.npz"
    config = ccrnn.export_weights(results, out, model="ccrnn", seed=1)

    class Net(torch.nn.Module):
        def __init__(self, inputs, hidden, outputs, state, granule):
            super().__init__()
            self.cortex = torch.nn.LSTM(inputs, hidden, 1)
            self.readout = torch.nn.Linear(hidden, outputs)
            self.cerebellum = torch.nn.Module()
            sizes = [state, *granule, state]
            self.cerebellum.layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    net = Net(1, config["hidden_size"], 2, 2 * config["hidden_size"], [config["cerebellum_hidden"]] * config["cerebellum_layers"])
    net.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(out).items()})  # strict: every name matches
    cues = ccrnn.LineDrawing().make_batch(ccrnn.LineDrawing.cues())
    with torch.no_grad():
        hidden, _ = net.cortex(torch.from_numpy(cues.inputs.astype(np.float32)))
        drawn = net.readout(hidden).numpy().transpose(1, 0, 2)
    with h5py.File(results, "r") as f:
        assert np.allclose(drawn, f["ccrnn/seed_1/trajectories"][()], rtol=1e-4, atol=1e-4)
