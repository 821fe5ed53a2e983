"""A run's trained weights for PyTorch: exported as .npz keyed by PyTorch's names, so that

    import numpy as np, torch
    class Net(torch.nn.Module):                      # the names ccrnn uses: cortex, readout, cerebellum
        def __init__(self, inputs, hidden, outputs, layers=1, state=None, granule=(), context=0):
            super().__init__()
            self.cortex = torch.nn.LSTM(inputs, hidden, layers)        # or torch.nn.GRU / torch.nn.RNN
            self.readout = torch.nn.Linear(hidden, outputs)
            if granule:                                                # a ccRNN: the cerebellar MLP
                self.cerebellum = torch.nn.Module()
                sizes = [state, *granule, state]
                self.cerebellum.layers = torch.nn.ModuleList(
                    torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
    net = Net(1, 50, 2, state=100, granule=(400, 400))
    net.load_state_dict({k: torch.from_numpy(v) for k, v in np.load("run.npz").items()})

loads them (`state` = 2N per layer for an LSTM, N otherwise; a cerebellar context adds
`cerebellum.context.weight`, a bias-free `Linear(context, granule[0])`). The way back is
`Model.set_parameters(dict(np.load(path)))` (or a state dict's arrays)."""
import os

import numpy as np

from . import _ccrnn


def _weights_group(path, model, seed, which):
    import h5py
    with h5py.File(path, "r") as f:
        name = f"{model}/seed_{seed}"
        run = f[name] if name in f else next(
            (g for g in (f["runs"].values() if "runs" in f else [])
             if g.attrs.get("model") == model and int(g.attrs.get("seed", -1)) == seed), None)
        if run is None:
            raise KeyError(f"{path}: no run of model '{model}' with seed {seed}")
        if "weights" not in run or which not in run["weights"]:
            raise KeyError(f"{path}: run {run.name} has no '{which}' weights (written with --no-weights?)")
        group = run["weights"]
        return {k: group[which][k][()] for k in group[which]}, dict(group.attrs)


def export_weights(results, out, *, model="ccrnn", seed=1, which="final", overwrite=False):
    """Writes the weights of one run of a results file (model, seed, which: 'final' or 'best') as a .npz of
    float32 arrays keyed by PyTorch's names and shapes (see the module's docstring for load_state_dict).
    The file is written under a temporary name and renamed; an existing `out` is refused unless overwrite.
    Returns the model's configuration (a dict: cell, input_size, hidden_size, layers, output_size,
    cerebellum, cerebellum_hidden, cerebellum_layers, fibres, context_size)."""
    out = os.fspath(out)
    if os.path.exists(out) and not overwrite:
        raise FileExistsError(f"{out} exists; pass overwrite=True to replace it")
    weights, config = _weights_group(os.fspath(results), model, seed, which)
    temporary = f"{out}.tmp.{os.getpid()}.npz"
    try:
        np.savez(temporary, **weights)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v) for k, v in config.items()}


def model_from_weights(weights, config, *, seed=1):
    """A float32 Model from a dict of arrays keyed by PyTorch's names (an exported .npz, or a state dict's
    arrays) and a configuration as export_weights returns it; set_parameters checks every name and shape."""
    net = _ccrnn.Model(cell=config["cell"], input_size=int(config["input_size"]), hidden_size=int(config["hidden_size"]),
                       layers=int(config["layers"]), output_size=int(config["output_size"]),
                       cerebellum=bool(config["cerebellum"]), cerebellum_hidden=int(config["cerebellum_hidden"]),
                       cerebellum_layers=int(config["cerebellum_layers"]), fibres=int(config["fibres"]),
                       context_size=int(config["context_size"]), seed=seed)
    net.set_parameters({k: np.asarray(v) for k, v in weights.items()})
    return net
