"""Reading sweep results and comparing conditions: runs as flat dicts, grouping by options, mean +- SEM,
the ccRNN relative to a reference, and the paired t-test across seeds (ccrnn.paired_t_test)."""
import math

import h5py
import numpy as np

import ccrnn


def load_runs(path):
    """The runs of a ccrnn-sweep file: dicts of their attributes (options, model, seed, scalar results) and
    their per-epoch curves (1-D float datasets); trajectories are read on demand with load_array."""
    runs = []
    with h5py.File(path, "r") as f:
        if "runs" not in f:
            raise SystemExit(f"ccrnn-reproduce: {path}: not a ccrnn-sweep results file (no /runs group)")
        for name in sorted(k for k in f["runs"] if k.startswith("run_")):
            group = f["runs"][name]
            run = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in group.attrs.items()}
            run["_path"], run["_group"] = path, f"runs/{name}"
            run["curves"] = {k: np.asarray(d[()], dtype=float) for k, d in group.items()
                             if isinstance(d, h5py.Dataset) and d.ndim == 1 and d.dtype.kind == "f"}
            runs.append(run)
    return runs


def load_array(run, name):
    """A run's dataset (e.g. trajectories) from its file."""
    with h5py.File(run["_path"], "r") as f:
        return np.asarray(f[run["_group"]][name][()])


def load_file_array(path, name):
    """A dataset written once per results file (e.g. the line-drawing targets)."""
    with h5py.File(path, "r") as f:
        return np.asarray(f[name][()])


def file_attributes(path):
    with h5py.File(path, "r") as f:
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}


def select(runs, **options):
    """Runs whose options equal the given values, sorted by seed."""
    chosen = [r for r in runs if all(r.get(k) == v for k, v in options.items())]
    return sorted(chosen, key=lambda r: r["seed"])


def values(runs, scalar):
    """{seed: value} of a scalar result (or of a curve's last value, for 'curve:NAME')."""
    if scalar.startswith("curve:"):
        return {r["seed"]: float(r["curves"][scalar[6:]][-1]) for r in runs}
    return {r["seed"]: float(r[scalar]) for r in runs}


def mean_sem(x):
    x = np.asarray([v for v in x if np.isfinite(v)], dtype=float)
    if len(x) == 0:
        return math.nan, math.nan
    return float(x.mean()), (float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else 0.0)


class Comparison:
    """A condition against a reference on the seeds both ran: means, SEMs, relative, paired p."""

    def __init__(self, condition, reference):
        seeds = sorted(set(condition) & set(reference))
        self.n = len(seeds)
        self.a = [condition[s] for s in seeds]
        self.b = [reference[s] for s in seeds]
        self.mean, self.sem = mean_sem(condition.values())
        self.ref_mean, self.ref_sem = mean_sem(reference.values())
        self.relative = self.mean / self.ref_mean if self.ref_mean not in (0.0,) else math.nan
        finite = all(np.isfinite(self.a)) and all(np.isfinite(self.b))
        self.p = ccrnn.paired_t_test(self.a, self.b)["p"] if self.n >= 2 and finite else math.nan

    def significant(self, level=0.05):
        return np.isfinite(self.p) and self.p < level


def fmt(mean, sem=None):
    """Three significant digits; with its SEM when given."""
    if mean is None or not np.isfinite(mean):
        return "n/a"
    text = f"{mean:.3g}"
    return text if sem is None else f"{text} ± {sem:.2g}"


def fmt_rel(x):
    """A ratio such as the ccRNN relative to the cRNN: three decimals."""
    return f"{x:.3f}" if x is not None and np.isfinite(x) else "n/a"


def fmt_p(p):
    if p is None or not np.isfinite(p):
        return "n/a"
    return f"{p:.2g}"


def curve_stack(runs, name):
    """(seeds, epochs) array of a curve, NaN-padded; mean and SEM over seeds per epoch."""
    curves = [r["curves"][name] for r in runs if name in r["curves"]]
    if not curves:
        return None
    return ccrnn.mean_and_sem(ccrnn.stack_curves([{name: c} for c in curves], name))


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
