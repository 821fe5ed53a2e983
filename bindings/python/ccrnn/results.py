"""Reading the HDF5 results files the ccrnn executables write (layouts: docs/results-format.md).

    res = ccrnn.read_results("results/linedraw.h5")
    res.task, res.models, res.options["T"]
    res.curves("ccrnn", "val_error")     # (seeds, epochs)
    res.scalars("ccrnn")["test_error"]   # (seeds,)
    res.runs("ccrnn")[0]["trajectories"] # (7, L, 2)

Sweep files (ccrnn-sweep) list their runs with sweep_runs(), each a dict of its attributes and arrays.
"""
import math
import os

import numpy as np


class ResultsError(ValueError):
    """A file that is not a ccrnn results file, or lacks what was asked for; the message names the file."""


def _h5py():
    try:
        import h5py
    except ImportError as error:  # pragma: no cover - Debian's python3-h5py is installed by scripts/setup.sh
        raise ImportError("ccrnn.read_results needs h5py (Debian: apt-get install python3-h5py)") from error
    return h5py


def _value(value, where):
    """Attributes and datasets as plain Python / numpy values (strings decoded; `where` names them in errors)."""
    try:
        if isinstance(value, bytes):
            return value.decode("utf-8")
        if isinstance(value, np.ndarray) and value.dtype.kind in "OS":
            return [v.decode("utf-8") if isinstance(v, bytes) else v for v in value.ravel().tolist()]
    except UnicodeDecodeError as error:
        raise ResultsError(f"{where} holds text that is not UTF-8 ({error})") from error
    if isinstance(value, np.generic):
        return value.item()
    return value


def _read_dataset(item, where):
    """A dataset's values, refusing one that declares far more than the file stores (a corrupt file, or data never
    written): deflate compresses at most about 1032:1, so real data stores more than 1/2048 of its raw bytes."""
    raw = float(math.prod(item.shape or ())) * item.dtype.itemsize  # item.size wraps around for huge shapes
    if raw > 1e6 and item.id.get_storage_size() * 2048 < raw:
        raise ResultsError(f"{where} declares shape {item.shape} but stores only {item.id.get_storage_size()} bytes "
                           "(a corrupt file, or data never written)")
    return _value(item[()], where)


def _read_group(group, path):
    """A group as a dict: datasets as arrays (or lists of str), subgroups as dicts, attributes under "attrs"."""
    out = {"attrs": {k: _value(v, f"{path}: attribute '{k}' of '{group.name}'") for k, v in group.attrs.items()}}
    for name in group:
        item = group.get(name)
        where = f"{path}: '{group.name.rstrip('/')}/{name}'"
        if name == "attrs":  # the key of the attributes in this dict
            raise ResultsError(f"{where}: a member named 'attrs' is not part of a results file")
        if item is None:
            raise ResultsError(f"{where} is a link to nothing")
        if hasattr(item, "items"):
            out[name] = _read_group(item, path)
        else:
            out[name] = _read_dataset(item, where)
    return out


def _numbered(groups, prefix):
    """The subgroups named <prefix><integer>, sorted by that integer."""
    names = [k for k, v in groups.items() if isinstance(v, dict) and k.startswith(prefix) and k[len(prefix):].isdigit()]
    return sorted(names, key=lambda k: int(k[len(prefix):]))


class Results:
    """A whole results file, read into memory (the file is closed again)."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such file")
        h5py = _h5py()
        try:
            handle = h5py.File(self.path, "r")
        except OSError as error:
            raise ResultsError(f"{self.path}: not a readable HDF5 file ({error})") from error
        with handle:
            self.tree = _read_group(handle, self.path)
        self.options = self.tree["attrs"]
        if not isinstance(self.options.get("task"), str):
            raise ResultsError(f"{self.path}: not a ccrnn results file (no 'task' text attribute at the root)")
        self.task = self.options["task"]

    @property
    def is_sweep(self):
        """True for a ccrnn-sweep file (runs under /runs), False for a task file (runs under /<model>/seed_<k>)."""
        return isinstance(self.tree.get("runs"), dict)

    @property
    def models(self):
        """Model groups of a task file ("crnn", "ccrnn", "bptt"), in file order."""
        return [k for k, v in self.tree.items() if isinstance(v, dict) and k != "attrs" and k.startswith(("crnn", "ccrnn", "bptt"))]

    def _model(self, model):
        if model not in self.tree or not isinstance(self.tree[model], dict):
            raise ResultsError(f"{self.path}: no model '{model}' (models: {', '.join(self.models) or 'none'})")
        return self.tree[model]

    def runs(self, model):
        """The seed groups of a model, sorted by seed: dicts of arrays with their attributes under "attrs"."""
        group = self._model(model)
        return [group[k] for k in _numbered(group, "seed_")]

    def seeds(self, model):
        """The seeds of a model's runs, sorted."""
        runs = self.runs(model)
        if any("seed" not in run["attrs"] for run in runs):
            raise ResultsError(f"{self.path}: a run of model '{model}' has no 'seed' attribute")
        return [run["attrs"]["seed"] for run in runs]

    def curves(self, model, name):
        """(seeds, epochs) array of a per-epoch curve (train_error, val_error, val_ce, alignment_prediction, ...)."""
        runs = self.runs(model)
        missing = [run["attrs"].get("seed") for run in runs if name not in run]
        if not runs or missing:
            raise ResultsError(f"{self.path}: model '{model}' has no curve '{name}'")
        try:
            return np.stack([np.asarray(run[name], dtype=float) for run in runs])
        except (ValueError, TypeError) as error:  # text, or runs of different lengths
            raise ResultsError(f"{self.path}: curve '{name}' of model '{model}' is not one numeric curve per run ({error})") from error

    def scalars(self, model):
        """{name: (seeds,) array} of the numeric scalar results of a model's runs (test_error, dysmetria, ...); NaN
        for a run without it."""
        runs = self.runs(model)
        names = [k for k, v in runs[0]["attrs"].items() if isinstance(v, (int, float))] if runs else []
        return {k: np.array([run["attrs"].get(k, np.nan) for run in runs], dtype=float) for k in names}

    def sweep_runs(self):
        """A sweep file's runs in plan order: dicts of their attributes (options, model, seed, condition, scalar
        results) and arrays (curves)."""
        if not self.is_sweep:
            raise ResultsError(f"{self.path}: not a sweep file (no /runs group)")
        runs = self.tree["runs"]
        out = []
        for name in _numbered(runs, "run_"):
            run = dict(runs[name]["attrs"])
            run.update({k: v for k, v in runs[name].items() if k != "attrs"})
            out.append(run)
        return out

    def __repr__(self):
        what = f"{len(_numbered(self.tree['runs'], 'run_'))} sweep runs" if self.is_sweep else f"models {self.models}"
        return f"Results({self.path!r}, task={self.task!r}, {what})"


def read_results(path):
    """Reads a ccrnn results file (ccrnn-linedraw, -seqmnist, -caption or -sweep). Raises FileNotFoundError
    or ResultsError naming the file."""
    return Results(path)
