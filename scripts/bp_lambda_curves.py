#!/usr/bin/python3
"""Per-epoch curves of several ccrnn-train results files (one condition each, several seeds) side by side:
mean +- SEM over seeds of the curve's last epoch, a paired t-test (across seeds) of each file's last value
against the first file's, and with --figure the curves over epochs (mean +- SEM bands). Used for BP(lambda)'s
seqMNIST alignment and copy-repeat levels (docs/bp-lambda.md).

A file's curve is CURVE when given as LABEL=FILE.h5:CURVE; otherwise alignment_prediction (the
cerebellum's prediction against the true gradient) or, for a cRNN file, alignment_truncated (its
truncated gradient).

Usage: bp_lambda_curves.py LABEL=FILE.h5[:CURVE] [...] [--figure OUT.png] [--ylabel TEXT]
"""
import argparse
import os
import sys

import h5py
import numpy as np
from scipy import stats


def mean_sem(values):
    x = np.asarray(values, dtype=float)
    return float(x.mean()), (float(stats.sem(x)) if len(x) > 1 else 0.0)


def read_curves(path, curve):
    """({seed: curve}, curve name) of the one model in a ccrnn-train file."""
    with h5py.File(path, "r") as f:
        models = [k for k in f if isinstance(f[k], h5py.Group) and any(s.startswith("seed_") for s in f[k])]
        if len(models) != 1:
            raise SystemExit(f"bp_lambda_curves.py: {path}: expected one model, found {models}")
        runs = f[models[0]]
        if curve is None:  # a cRNN's alignment_prediction curve exists but is NaN: it has no prediction
            curve = "alignment_truncated" if models[0] == "crnn" else "alignment_prediction"
        out = {}
        for name in sorted(runs):
            if curve not in runs[name]:
                raise SystemExit(f"bp_lambda_curves.py: {path}: {models[0]}/{name} has no curve {curve}")
            out[int(name[len("seed_"):])] = np.asarray(runs[name][curve][()], dtype=float)
        return out, curve


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="LABEL=FILE.h5[:CURVE] (the first is the t-tests' reference)")
    parser.add_argument("--figure", help="write the curves over epochs to this PNG")
    parser.add_argument("--ylabel", default="cos(learning signal, true gradient)")
    args = parser.parse_args(argv)
    table = []
    for spec in args.runs:
        if "=" not in spec:
            parser.error(f"{spec!r}: expected LABEL=FILE.h5[:CURVE]")
        label, rest = spec.split("=", 1)
        path, _, curve = rest.partition(":") if rest.count(":") else (rest, "", "")
        if not os.path.exists(path):
            print(f"bp_lambda_curves.py: {path}: no such file", file=sys.stderr)
            return 1
        seeds, name = read_curves(path, curve or None)
        table.append((label, name, seeds))

    reference = table[0][2]
    print(f"{'condition':<12}{'curve':<24}{'seeds':>6}{'last epoch':>20}{'p vs ' + table[0][0]:>16}")
    for label, name, seeds in table:
        last = {s: c[-1] for s, c in seeds.items()}
        mean, sem = mean_sem(list(last.values()))
        common = sorted(set(last) & set(reference))
        p = ""
        if seeds is not reference and len(common) >= 2:
            a, b = [last[s] for s in common], [reference[s][-1] for s in common]
            p = f"{stats.ttest_rel(a, b).pvalue:.2g}" if np.all(np.isfinite(a + b)) else "nan"
        print(f"{label:<12}{name:<24}{len(seeds):>6}{mean:>12.3f} +- {sem:.3f}{p:>16}")

    if args.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4))
        for label, _, seeds in table:
            stacked = np.vstack(list(seeds.values()))
            epochs = np.arange(1, stacked.shape[1] + 1)
            m = np.nanmean(stacked, axis=0)
            e = np.array([mean_sem(stacked[:, k])[1] for k in range(stacked.shape[1])])
            ax.plot(epochs, m, marker="o", markersize=3, label=label)
            ax.fill_between(epochs, m - e, m + e, alpha=0.2, linewidth=0)
        ax.set_xlabel("epoch")
        ax.set_ylabel(args.ylabel)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(args.figure, dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main())
