"""PyTorch cross-check through the bindings: weights copied by name with get_parameters into torch modules,
then forward outputs and gradients compared in double precision. The ccRNN's gradients are compared with
ALGORITHM.md section 4 written directly in torch (window by window, the cerebellum's prediction injected at
each window end and trained on the bootstrapped target at each window start). Skipped without torch."""
import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")
torch = pytest.importorskip("torch", reason="PyTorch is not installed (scripts/setup.sh installs python3-torch); "
                                            "the cross-check with PyTorch is skipped")
nn = torch.nn

rng = np.random.default_rng(11)


def torch_cortex(model):
    c = model.config
    kind = {"lstm": nn.LSTM, "gru": nn.GRU, "tanh": nn.RNN}[c.cell.name]
    rnn = kind(c.input_size, c.hidden_size, num_layers=c.layers).double()
    readout = nn.Linear(c.hidden_size, c.output_size).double()
    params = model.get_parameters()
    with torch.no_grad():
        for name, p in rnn.named_parameters():
            p.copy_(torch.from_numpy(params["cortex." + name]))
        readout.weight.copy_(torch.from_numpy(params["readout.weight"]))
        readout.bias.copy_(torch.from_numpy(params["readout.bias"]))
    return rnn, readout


def torch_cerebellum(model):
    c, params = model.config, model.get_parameters()
    layers = []
    for i in range(c.cerebellum_layers + 1):
        w = params[f"cerebellum.layers.{i}.weight"]
        lin = nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(params[f"cerebellum.layers.{i}.bias"]))
        layers += [lin, nn.ReLU()] if i < c.cerebellum_layers else [lin]
    return nn.Sequential(*layers)


@pytest.mark.parametrize("cell", ["lstm", "gru", "tanh"])
def test_forward_outputs_and_states_match_torch(cell):
    L, B, I = 9, 4, 3
    model = ccrnn.Model(cell=cell, input_size=I, hidden_size=6, layers=2, output_size=2, seed=5, dtype="float64")
    x = rng.normal(size=(L, B, I))
    ours = model.forward(x)
    rnn, readout = torch_cortex(model)
    with torch.no_grad():
        h, _ = rnn(torch.from_numpy(x))
        y = readout(h)
    np.testing.assert_allclose(ours["hidden"], h.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours["outputs"], y.numpy(), rtol=1e-10, atol=1e-12)


def torch_tbptt_gradients(model, x, y, supervised, T, gamma, cerebellum):
    """ALGORITHM.md section 4 for a 1-layer LSTM, window by window, in torch autograd."""
    rnn, readout = torch_cortex(model)
    cb = torch_cerebellum(model) if cerebellum else None
    L, B, _ = x.shape
    N = model.config.hidden_size
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    h, c = torch.zeros(1, B, N, dtype=torch.float64), torch.zeros(1, B, N, dtype=torch.float64)
    task_loss = cerebellar_loss = 0.0
    for t0 in range(0, L, T):
        t1 = min(t0 + T, L)
        h0, c0 = h.detach().requires_grad_(), c.detach().requires_grad_()
        out, (h1, c1) = rnn(x[t0:t1], (h0, c0))
        steps = [t - t0 for t in range(t0, t1) if supervised[t]]
        loss = nn.functional.mse_loss(readout(out[steps]), y[t0:t1][steps]) if steps else torch.zeros((), dtype=torch.float64)
        total = loss
        if cb is not None:  # inject gamma * C(s1) into the window's end state, as a constant
            s1 = torch.cat([h1[0], c1[0]], dim=1)
            total = total + (s1 * (gamma * cb(s1.detach())).detach()).sum()
        if total.requires_grad:  # a cRNN window without feedback contributes nothing
            total.backward()
        task_loss += loss.item()
        if cb is not None:  # the bootstrapped target: the total gradient arriving at the window start
            target = torch.cat([h0.grad[0], c0.grad[0]], dim=1)
            closs = ((cb(torch.cat([h0[0], c0[0]], dim=1).detach()) - target) ** 2).sum()
            closs.backward()
            cerebellar_loss += closs.item()
        h, c = h1, c1
    grads = {"cortex." + k: p.grad.numpy() for k, p in rnn.named_parameters()}
    grads.update({"readout." + k: p.grad.numpy() for k, p in readout.named_parameters()})
    if cb is not None:
        for i, layer in enumerate(m for m in cb if isinstance(m, nn.Linear)):
            grads[f"cerebellum.layers.{i}.weight"] = layer.weight.grad.numpy()
            grads[f"cerebellum.layers.{i}.bias"] = layer.bias.grad.numpy()
    return grads, task_loss, cerebellar_loss


@pytest.mark.parametrize("cerebellum", [False, True])
@pytest.mark.parametrize("T", [1, 3, 10])
def test_truncated_bptt_gradients_match_torch(cerebellum, T):
    L, B = 10, 3
    model = ccrnn.Model(input_size=2, hidden_size=5, output_size=2, cerebellum=cerebellum, cerebellum_hidden=7,
                        cerebellum_layers=2, seed=2, dtype="float64")
    if cerebellum:  # a cerebellum that predicts something (an untrained one outputs exactly zero)
        model.set_parameter("cerebellum.layers.2.weight", rng.normal(scale=0.5, size=(10, 7)))
        model.set_parameter("cerebellum.layers.2.bias", rng.normal(scale=0.5, size=10))
    x, y = rng.normal(size=(L, B, 2)), rng.normal(size=(L, B, 2))
    supervised = np.arange(L) % 2 == 0
    stats = model.compute_gradients(ccrnn.Batch(x, targets=y, supervised=supervised), truncation=T, sg_scale=0.1)
    expected, task_loss, cerebellar_loss = torch_tbptt_gradients(model, x, y, supervised, T, 0.1, cerebellum)
    ours = model.gradients()
    assert set(ours) == set(expected)
    for name, g in expected.items():
        np.testing.assert_allclose(ours[name], g, rtol=1e-9, atol=1e-12, err_msg=name)
    assert stats["task_loss"] == pytest.approx(task_loss, rel=1e-12)
    assert stats["cerebellar_loss"] == pytest.approx(cerebellar_loss, rel=1e-10)


def test_weights_trained_here_run_in_torch():
    model = ccrnn.Model(hidden_size=8, seed=1, dtype="float32")
    trainer = ccrnn.Trainer(model, optimizer=dict(lr=0.01))
    task, r = ccrnn.LineDrawing(), ccrnn.Rng(2)
    for _ in range(5):
        trainer.train_batch(task.sample_batch(r, 8))
    batch = task.make_batch(task.cues())
    rnn, readout = torch_cortex(model)
    with torch.no_grad():
        y = readout(rnn(torch.from_numpy(batch.inputs))[0]).numpy()
    np.testing.assert_allclose(model.forward(batch)["outputs"], y, rtol=1e-4, atol=1e-5)
