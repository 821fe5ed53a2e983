"""The loop's PyTorch peer (bench/torch_loop.py) against ccrnn: the same initial weights (ccrnn's, exported
through the bindings) and the same trials in both, one batch forward and backward in double precision, and
every parameter gradient and both losses equal, for line drawing (MSE) and evidence accumulation
(cross-entropy), with the cortex fixed (the tasks' default) and plastic (BPTT through the trial). This is
what makes bench/compare_torch_loop.sh compare like with like. torch is a test dependency
(scripts/setup.sh installs python3-torch): without it this test fails rather than skips."""
import pathlib
import sys

import numpy as np
import pytest

import ccrnn
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench"))
import torch_loop  # noqa: E402

# Sizes of ccrnn's loop tasks, with fewer granule cells to keep the test quick.
HIDDEN, GRANULES, TAU, BATCH = 50, 200, 3, 10


def ccrnn_model(task, seed):
    spec = torch_loop.TASKS[task]
    return ccrnn.Model(cell="leaky_tanh", input_size=spec["n_in"], hidden_size=HIDDEN, output_size=spec["n_out"],
                       leak=0.1, forward=dict(enabled=True, hidden_size=GRANULES, tau=TAU), seed=seed,
                       dtype="float64")


def torch_model_with(task, weights, plastic_cortex):
    """The peer, double precision, with ccrnn's weights copied in by name."""
    spec = torch_loop.TASKS[task]
    model = torch_loop.CorticoCerebellarLoop(spec["n_in"], spec["n_out"], hidden=HIDDEN, granules=GRANULES, tau=TAU,
                                             classify=spec["loss"] == "xent", plastic_cortex=plastic_cortex).double()
    with torch.no_grad():
        for name, param in peer_parameters(model).items():
            param.copy_(torch.from_numpy(weights[name]))
    return model


def peer_parameters(model):
    """The peer's parameters under ccrnn's names (PyTorch names of the same tensors)."""
    return {"cortex.weight_ih_l0": model.weight_ih, "cortex.weight_hh_l0": model.weight_hh,
            "readout.weight": model.readout.weight, "readout.bias": model.readout.bias,
            "forward_cerebellum.layers.0.weight": model.mossy.weight,
            "forward_cerebellum.layers.1.weight": model.parallel.weight}


def trials(task, seed):
    rng = np.random.default_rng(seed)
    if task == "loopdraw":
        x, y = torch_loop.loopdraw_batch(rng, BATCH)
        return x, y, None
    x, labels = torch_loop.evidence_batch(rng, BATCH)
    return x, None, labels


@pytest.mark.parametrize("plastic_cortex", [False, True], ids=["fixed_cortex", "plastic_cortex"])
@pytest.mark.parametrize("task", ["loopdraw", "evidence"])
def test_peer_gradients_equal_ccrnn(task, plastic_cortex):
    ours = ccrnn_model(task, seed=4)
    weights = ours.get_parameters()
    assert set(weights) == set(peer_parameters(torch_model_with(task, weights, False)))  # every parameter compared
    x, y, labels = trials(task, seed=9)
    if labels is None:
        batch = ccrnn.Batch(x, targets=y)
    else:  # the label at the last step only, as the evidence task's batches
        step_labels = np.full((x.shape[0], BATCH), -1, dtype=np.int32)
        step_labels[-1] = labels
        batch = ccrnn.Batch(x, labels=step_labels, supervised=np.arange(x.shape[0]) == x.shape[0] - 1)
    stats = ours.compute_loop_gradients(batch, cortex=plastic_cortex)
    got = ours.gradients()

    peer = torch_model_with(task, weights, plastic_cortex)
    task_loss, cerebellar_loss = peer.losses(torch.from_numpy(x), None if y is None else torch.from_numpy(y),
                                             None if labels is None else torch.from_numpy(labels))
    (task_loss + cerebellar_loss).backward()
    assert stats["task_loss"] == pytest.approx(task_loss.item(), rel=1e-12)
    assert stats["cerebellar_loss"] == pytest.approx(cerebellar_loss.item(), rel=1e-12)
    assert cerebellar_loss.item() > 0  # the cerebellum is taught something in this batch
    for name, param in peer_parameters(peer).items():
        expected = param.grad.numpy() if param.grad is not None else np.zeros_like(weights[name])
        if plastic_cortex or not name.startswith("cortex."):  # what learns has a gradient to compare
            assert np.abs(expected).max() > 0, name
        np.testing.assert_allclose(got[name], expected, rtol=1e-10, atol=1e-13, err_msg=name)


def test_peer_teaches_c_t_the_target_of_step_t_minus_1_plus_tau():
    """FORWARD_MODEL.md section 3 (ccrnn's --io-timing reference), checked on the peer alone: with tau = 3 a
    target that is nonzero only at step 2 is taught to c_0 (and to no prediction under the notebook's
    timing, c_t against y_{t+tau}), so with every prediction zero the cerebellar loss is that step's mean
    square, 1."""
    model = torch_loop.CorticoCerebellarLoop(10, 2, hidden=8, granules=16, tau=3).double()
    x = torch.zeros(20, 2, 10, dtype=torch.float64)
    y = torch.zeros(20, 2, 2, dtype=torch.float64)
    y[2] = 1.0
    with torch.no_grad():
        model.parallel.weight.zero_()  # every prediction 0
        _, cerebellar = model.losses(x, y)
    assert cerebellar.item() == pytest.approx(1.0)
