#!/usr/bin/python3
"""Gradient alignment of BP(lambda) and DNI runs, per step, from results files written with
--record-every N --record-arrays (docs/bp-lambda.md, README "BP(lambda)").

For each file (one condition, one model, several seeds) and seed: the cosine between the cerebellum's
prediction C(s) (for a cRNN file: its truncated gradient, what truncated BPTT uses instead) and the true
gradient dF/ds at every recorded boundary of the last epoch's recordings,
averaged over samples and recordings, by the step the boundary follows (t = step - 1: the state after step
t, the reference's h_t). Prints mean +- SEM over seeds per step, the mean over the boundaries 1..L-1
(the predictions that are trained in both algorithms), a paired t-test of each file's mean against the
first file's, and with --figure a plot of alignment against t.

Usage: bp_lambda_alignment.py LABEL=FILE.h5 [LABEL=FILE.h5 ...] [--figure OUT.png] [--last-recordings K]
                               [--per-seed]
--last-recordings K averages each run's last K recordings (10 = the last epoch at --record-every 10 with 100
batches per epoch; 1 = the last recorded iteration; 100 = the whole run). --per-seed also prints every seed's
row (the spread that a single seed, such as the reference's own measurement, is drawn from).
"""
import argparse
import sys

import h5py
import numpy as np
from scipy import stats


def cosines(a, b):
    """Cosine per column; 0 where either column is all zero (docs/metrics.md)."""
    na, nb = np.linalg.norm(a, axis=0), np.linalg.norm(b, axis=0)
    out = np.zeros(a.shape[1])
    ok = (na > 0) & (nb > 0)
    out[ok] = (a[:, ok] * b[:, ok]).sum(axis=0) / (na[ok] * nb[ok])
    return out


def per_step_alignment(run, last):
    """{step: mean cosine} over the last `last` recordings of a run group."""
    recordings = run["recordings"]
    names = sorted(recordings, key=lambda k: recordings[k].attrs["iteration"])[-last:]
    sums = {}
    for name in names:
        g = recordings[name]
        batch, steps = int(g.attrs["batch"]), g["steps"][()]
        signal = g["predictions"] if "predictions" in g else g["truncated_gradients"]  # a cRNN has no predictions
        signal = signal[()]
        # Truncated gradients exist at the window starts only (no column for the boundary after the sequence).
        c = cosines(signal, g["true_gradients"][:, :signal.shape[1]])
        for j, step in enumerate(steps[:-1]):  # the last boundary (after the sequence) has no true gradient
            sums.setdefault(int(step), []).append(c[j * batch:(j + 1) * batch].mean())
    return {s: float(np.mean(v)) for s, v in sums.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="LABEL=FILE.h5 (the first is the reference of the t-tests)")
    parser.add_argument("--figure", help="write alignment against t to this PNG")
    parser.add_argument("--last-recordings", type=int, default=10, help="recordings of each run averaged")
    parser.add_argument("--per-seed", action="store_true", help="also print every seed's alignment per step")
    args = parser.parse_args(argv)
    table = {}
    for spec in args.runs:
        if "=" not in spec:
            parser.error(f"{spec!r}: expected LABEL=FILE.h5")
        label, path = spec.split("=", 1)
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            print(f"bp_lambda_alignment.py: {path}: {e}", file=sys.stderr)
            return 1
        with f:
            model = "ccrnn" if "ccrnn" in f else sorted(k for k in f if isinstance(f[k], h5py.Group))[0]
            seeds = {}
            for name in sorted(f[model]):
                run = f[model][name]
                if "recordings" not in run:
                    print(f"bp_lambda_alignment.py: {path}: {model}/{name} has no recordings "
                          "(train with --record-every N --record-arrays)", file=sys.stderr)
                    return 1
                seeds[name] = per_step_alignment(run, args.last_recordings)
        table[label] = seeds

    length = max(max(s) for seeds in table.values() for s in seeds.values())
    print("cos(C(s), dF/ds) by t = step - 1 (the state after step t), mean +- SEM over seeds")
    header = f"{'condition':<12}" + "".join(f"{'t=' + str(t):>15}" for t in range(length)) + f"{'mean 1..L-1':>15}{'p vs first':>12}"
    print(header)
    reference = None
    for label, seeds in table.items():
        cells, means = [], []
        for t in range(length):
            values = [s[t + 1] for s in seeds.values() if t + 1 in s]
            cells.append(f"{np.mean(values):>8.3f}+-{stats.sem(values) if len(values) > 1 else 0:.3f}" if values else f"{'-':>15}")
        for s in seeds.values():
            trained = [v for step, v in s.items() if step >= 1]
            means.append(float(np.mean(trained)))
        p = ""
        if reference is None:
            reference = (label, means)
        elif len(means) == len(reference[1]) and len(means) > 1:
            p = f"{stats.ttest_rel(means, reference[1]).pvalue:.2g}"
        print(f"{label:<12}" + "".join(f"{c:>15}" for c in cells) +
              f"{np.mean(means):>8.3f}+-{stats.sem(means):.3f}{p:>12}")
        if args.per_seed:
            for (name, s), mean in zip(seeds.items(), means):
                row = [f"{s[t + 1]:>15.3f}" if t + 1 in s else f"{'-':>15}" for t in range(length)]
                print(f"  {name:<10}" + "".join(row) + f"{mean:>15.3f}")
    print(f"(seeds: {', '.join(str(len(s)) for s in table.values())}; paired t-test across seeds of the mean over "
          f"trained boundaries, against {reference[0]})")

    if args.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4))
        for label, seeds in table.items():
            ts = sorted({step - 1 for s in seeds.values() for step in s if step >= 1})
            m = [np.mean([s[t + 1] for s in seeds.values()]) for t in ts]
            e = [stats.sem([s[t + 1] for s in seeds.values()]) for t in ts]
            ax.errorbar(ts, m, yerr=e, marker="o", capsize=3, label=label)
        ax.set_xlabel("t (state after step t)")
        ax.set_ylabel("cos(C(s) or cRNN truncated gradient, true gradient)")
        ax.set_ylim(-0.2, 1.05)
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.figure, dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main())
