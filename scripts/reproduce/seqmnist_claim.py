"""ALGORITHM.md s9.2 (NC Fig. 3): sequential MNIST, line and digit drawing and classification, the
feedback horizon T against the cRNN, the ccRNN and the full-BPTT bound."""
import numpy as np
from matplotlib.figure import Figure

from .drawing_claims import COLOUR, LABEL, plot_mean_sem
from .results import Comparison, curve_stack, fmt, fmt_p, fmt_rel, markdown_table, select, values
from .runner import Outcome, Sweep

TARGETS = ("line", "digit", "class")


def horizons(options):
    return [1, 3] if options.quick else [1, 2, 3, 4, 5, 7, 10]


def size_args(options):
    args = []
    if options.quick:
        args += ["--procedural-train", "500", "--procedural-test", "100"]
    epochs = options.epochs if options.epochs is not None else (2 if options.quick else None)
    if epochs is not None:
        args += ["--epochs", str(epochs)]
    return args


def sweeps(options):
    grid = ",".join(str(t) for t in horizons(options))
    out = []
    for target in TARGETS:
        out.append(Sweep(f"T-{target}", "seqmnist",
                         ["--target", target, "--grid", f"T={grid}", "--grid", "model=crnn,ccrnn", *size_args(options)]))
        out.append(Sweep(f"bptt-{target}", "seqmnist", ["--target", target, "--grid", "model=bptt", *size_args(options)]))
    return out


def compared_scalar(target):
    return ("test_error_rate", "test error rate") if target == "class" else ("test_error", "test error")


def same_crnn_gradients_note(runs, ts):
    """For a drawing target (classification is supervised at the last step only): the horizons at which the
    cRNN computes the same gradients. Sparse feedback at steps t mod k == 0 and windows starting at multiples
    of T put every target at its window's first step whenever T divides k, so no loss gradient crosses a
    step (ALGORITHM.md s4, s6)."""
    intervals = {int(r["feedback_interval"]) for r in runs if "feedback_interval" in r}
    if len(intervals) != 1 or next(iter(intervals)) <= 1:
        return ""
    k = next(iter(intervals))
    same = [t for t in ts if k % t == 0]
    if len(same) < 2:
        return ""
    listed = ", ".join(str(t) for t in same)
    return (f"\n\nAt T = {listed} the cRNN computes the same gradients: with feedback at the steps t mod {k} = 0, "
            f"every target sits at the first step of its window, so no loss gradient crosses a step. Its runs at "
            f"these T differ only by the order in which the weight gradients are summed (rounding).")


def last_window_note(ts, length=28):
    """Classification is supervised at the last step only, so the cRNN's gradient reaches back over the last
    window alone, whose length is what is left of L after the full windows (ALGORITHM.md s4)."""
    last = {t: length - t * ((length - 1) // t) for t in ts}
    listed = ", ".join(f"{last[t]} at T = {t}" for t in ts)
    shared = [[t for t in ts if last[t] == n] for n in sorted(set(last.values()))]
    same = "; ".join("T = " + " and ".join(str(t) for t in group) for group in shared if len(group) > 1)
    text = (f"\n\nThe label comes at the last step only, so the cRNN's gradient reaches back over the last window "
            f"alone, of {length} - T * floor({length - 1} / T) steps: {listed}.")
    if same:
        text += f" The cRNN computes the same gradients at {same}."
    return text


def analysis(runs_by_sweep, options):
    ts = horizons(options)
    fig = Figure(figsize=(13, 7.5), layout="constrained")
    axes = fig.subplots(2, 3)
    sections, checks, summaries = [], [], []
    for column, target in enumerate(TARGETS):
        runs, bptt = runs_by_sweep[f"T-{target}"], select(runs_by_sweep[f"bptt-{target}"], model="bptt")
        scalar, label = compared_scalar(target)
        rows, comps = [], {}
        for t in ts:
            c = Comparison(values(select(runs, model="ccrnn", T=t), scalar), values(select(runs, model="crnn", T=t), scalar))
            comps[t] = c
            rows.append([t, fmt(c.ref_mean, c.ref_sem), fmt(c.mean, c.sem), fmt_rel(c.relative), fmt_p(c.p), c.n])
        b = Comparison(values(bptt, scalar), values(bptt, scalar))
        rows.append(["full BPTT", fmt(b.mean, b.sem), "", "", "", b.n])
        sections.append(f"### Target: {target} ({label})\n\n"
                        + markdown_table(["T", "cRNN", "ccRNN", "relative", "p", "seeds"], rows)
                        + (same_crnn_gradients_note(runs, ts) if target != "class" else last_window_note(ts)))

        # Top: validation error over training at a few horizons; bottom: relative performance against T.
        ax = axes[0, column]
        shown = [t for t in (1, 3, 10) if t in ts]
        for k, t in enumerate(shown):
            for model, style in (("crnn", "--"), ("ccrnn", "-")):
                plot_mean_sem(ax, select(runs, model=model, T=t), "val_error", f"{LABEL[model]} T={t}", f"C{k}",
                              style, alpha=0.15)
        stacked = curve_stack(bptt, "val_error")
        if stacked is not None:
            ax.plot(np.arange(1, len(stacked[0]) + 1), stacked[0], color=COLOUR["bptt"], label="full BPTT")
        ax.set_title(f"{target}: validation error", fontsize=10)
        ax.set_xlabel("epoch")
        ax.legend(fontsize=7)
        ax = axes[1, column]
        rel = [comps[t].relative for t in ts]
        ax.plot(ts, rel, "-o", color=COLOUR["ccrnn"])
        for t, r in zip(ts, rel):
            ax.annotate(f"p={fmt_p(comps[t].p)}", (t, r), textcoords="offset points", xytext=(0, 6), fontsize=7,
                        ha="center")
        ax.axhline(1.0, color="0.5", linestyle=":")
        ax.set_xlabel("truncation T (steps of 28)")
        ax.set_ylabel(f"ccRNN / cRNN {label}")

        short, longest = comps[ts[0]], comps[ts[-1]]
        bound = b.mean <= min(min(c.mean, c.ref_mean) for c in comps.values())
        checks += [
            (f"{target}: the ccRNN beats the cRNN at T = {ts[0]} (relative {fmt_rel(short.relative)}, p = {fmt_p(short.p)})",
             short.relative < 1 and short.significant()),
            (f"{target}: the gap shrinks as T grows (relative {fmt_rel(short.relative)} at T = {ts[0]}, "
             f"{fmt_rel(longest.relative)} at T = {ts[-1]})", abs(1 - longest.relative) < abs(1 - short.relative)),
            (f"{target}: not significant at the largest T = {ts[-1]} (p = {fmt_p(longest.p)})", not longest.significant()),
            (f"{target}: full BPTT is the bound ({fmt(b.mean, b.sem)} against the best truncated mean "
             f"{fmt(min(min(c.mean, c.ref_mean) for c in comps.values()))})", bound),
        ]
        summaries.append(f"{target}: relative {fmt_rel(short.relative)} at T={ts[0]} (p = {fmt_p(short.p)}), "
                         f"{fmt_rel(longest.relative)} at T={ts[-1]} (p = {fmt_p(longest.p)})")
    body = ("Sequential MNIST, one row per step (L = 28); mean ± SEM over seeds of the test error (drawing: mean "
            "squared error; classification: error rate); relative = ccRNN / cRNN; p = paired t-test.\n\n"
            + "\n\n".join(sections))
    return Outcome(body, fig, checks, "; ".join(summaries))
