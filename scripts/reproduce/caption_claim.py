"""ALGORITHM.md s9.3 (NC Fig. 8): caption generation, the feedback horizon T, bits per word over training
and on the test set by caption length, BLEU by length."""
import numpy as np
from matplotlib.figure import Figure

from .drawing_claims import COLOUR, LABEL, plot_mean_sem
from .results import Comparison, fmt, fmt_p, fmt_rel, markdown_table, select, values
from .runner import Outcome, Sweep

BINS = ("short", "medium", "long")


def horizons(options):
    return [3, 5] if options.quick else [3, 4, 5, 6, 7]


def sweeps(options):
    args = ["--grid", "T=" + ",".join(str(t) for t in horizons(options)), "--grid", "model=crnn,ccrnn"]
    if options.quick:
        args += ["--scene-train", "200", "--scene-val", "40", "--scene-test", "40", "--hidden", "32",
                 "--embedding", "32", "--cerebellum-hidden", "64", "--feature-size", "32"]
    epochs = options.epochs if options.epochs is not None else (2 if options.quick else None)
    if epochs is not None:
        args += ["--epochs", str(epochs)]
    return [Sweep("T", "caption", args)]


def analysis(runs_by_sweep, options):
    runs, ts = runs_by_sweep["T"], horizons(options)
    rows, comps = [], {}
    for t in ts:
        crnn, ccrnn = select(runs, model="crnn", T=t), select(runs, model="ccrnn", T=t)
        row = [t]
        for scalar in ("best_val_bpw", "test_bpw", *(f"test_bpw_{b}" for b in BINS), "bleu4",
                       *(f"bleu4_{b}" for b in BINS)):
            c = Comparison(values(ccrnn, scalar), values(crnn, scalar))
            comps[(t, scalar)] = c
            if scalar in ("best_val_bpw", "test_bpw"):
                row += [fmt(c.ref_mean, c.ref_sem), fmt(c.mean, c.sem), fmt_rel(c.relative), fmt_p(c.p)]
            else:
                row += [f"{fmt_rel(c.relative)} (p = {fmt_p(c.p)})"]
        rows.append(row)
    header = ["T", "cRNN best val bits/word", "ccRNN", "relative", "p", "cRNN test bits/word", "ccRNN", "relative",
              "p", *(f"test bits/word {b}: relative" for b in BINS), "BLEU-4: relative",
              *(f"BLEU-4 {b}: relative" for b in BINS)]
    length_note = ""
    if runs and "length_short_below" in runs[0]:
        # the bins are on an image's mean reference-caption length, a fraction: int() would misstate them
        length_note = (f" Caption length = an image's mean reference caption length: short < "
                       f"{runs[0]['length_short_below']:.3g} words, long >= {runs[0]['length_long_from']:.3g}.")
    body = ("Caption generation; bits per word (lower is better) and BLEU-4 (higher is better); relative = ccRNN / "
            f"cRNN; p = paired t-test across seeds.{length_note}\n\n" + markdown_table(header, rows))

    fig = Figure(figsize=(13, 4.2), layout="constrained")
    ax_curve, ax_t, ax_len = fig.subplots(1, 3)
    for k, t in enumerate((ts[0], ts[-1])):
        for model, style in (("crnn", "--"), ("ccrnn", "-")):
            plot_mean_sem(ax_curve, select(runs, model=model, T=t), "val_bpw", f"{LABEL[model]} T={t}", f"C{k}",
                          style, alpha=0.15)
    ax_curve.set_title("validation bits per word", fontsize=10)
    ax_curve.set_xlabel("epoch")
    ax_curve.legend(fontsize=7)
    rel = [comps[(t, "best_val_bpw")].relative for t in ts]
    ax_t.plot(ts, rel, "-o", color=COLOUR["ccrnn"])
    for t, r in zip(ts, rel):
        ax_t.annotate(f"p={fmt_p(comps[(t, 'best_val_bpw')].p)}", (t, r), textcoords="offset points", xytext=(0, 6),
                      fontsize=7, ha="center")
    ax_t.axhline(1.0, color="0.5", linestyle=":")
    ax_t.set_xticks(ts)
    ax_t.set_xlabel("truncation T")
    ax_t.set_title("ccRNN / cRNN best validation bits per word", fontsize=10)
    width = 0.8 / len(ts)
    by_length = [[comps[(t, f"test_bpw_{b}")].relative for b in BINS] for t in ts]
    for k, t in enumerate(ts):
        ax_len.bar(np.arange(3) + k * width, by_length[k], width, label=f"T={t}")
    # the ratios differ by about 1%: bars from 0 would hide them, so the axis brackets them around 1
    half_range = 1.5 * max((abs(r - 1.0) for row in by_length for r in row if np.isfinite(r)), default=0.0)
    half_range = max(half_range, 0.015)
    ax_len.set_ylim(1.0 - half_range, 1.0 + half_range)
    ax_len.axhline(1.0, color="0.5", linestyle=":")
    ax_len.set_xticks(np.arange(3) + 0.4 - width / 2, BINS)
    ax_len.set_title("ccRNN / cRNN test bits per word by caption length", fontsize=10)
    ax_len.legend(fontsize=7)

    short, longest = comps[(ts[0], "best_val_bpw")], comps[(ts[-1], "best_val_bpw")]
    by_len = by_length[0]
    checks = [
        (f"the ccRNN has lower validation bits per word at short T = {ts[0]} (relative {fmt_rel(short.relative)}, "
         f"p = {fmt_p(short.p)})", short.relative < 1 and short.significant()),
        (f"the benefit vanishes at the largest horizon T = {ts[-1]} (relative {fmt_rel(longest.relative)}, "
         f"p = {fmt_p(longest.p)})", not (longest.relative < 1 and longest.significant())),
        (f"the benefit is largest for long captions at T = {ts[0]} (test bits/word relative short "
         f"{fmt_rel(by_len[0])}, medium {fmt_rel(by_len[1])}, long {fmt_rel(by_len[2])})", by_len[2] <= min(by_len)),
    ]
    summary = (f"best val bits/word relative {fmt_rel(short.relative)} at T={ts[0]} (p = {fmt_p(short.p)}), "
               f"{fmt_rel(longest.relative)} at T={ts[-1]} (p = {fmt_p(longest.p)}); long captions {fmt_rel(by_len[2])}")
    return Outcome(body, fig, checks, summary)
