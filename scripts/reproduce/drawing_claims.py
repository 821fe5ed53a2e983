"""The claims shown on line drawing (ALGORITHM.md s9.1, s9.4, s9.5 and the s8 analyses): the cRNN against
the ccRNN, lesions, the cerebellum's architecture, gradient alignment and population statistics."""
import numpy as np
from matplotlib.figure import Figure

from .results import Comparison, curve_stack, fmt, fmt_p, fmt_rel, load_array, load_file_array, markdown_table, select, values
from .runner import Outcome, Sweep

MODELS = ("crnn", "ccrnn")
LABEL = {"crnn": "cRNN", "ccrnn": "ccRNN", "bptt": "full BPTT"}
COLOUR = {"crnn": "tab:red", "ccrnn": "tab:blue", "bptt": "0.3"}


def linedraw_args(options, extra=()):
    args = list(extra)
    if options.quick:
        args += ["--train-size", "100", "--val-size", "20", "--test-repeats", "2"]
    epochs = linedraw_epochs(options)
    if epochs is not None:
        args += ["--epochs", str(epochs)]
    return args


def linedraw_epochs(options):
    if options.epochs is not None:
        return options.epochs
    return 4 if options.quick else None  # None: the task's 100


def plot_mean_sem(ax, runs, curve, label, colour, style="-", alpha=0.25):
    """Mean +- SEM over the runs' seeds of a per-epoch curve (nothing when no run has it)."""
    stacked = curve_stack(runs, curve)
    if stacked is None:
        return
    mean, sem = stacked
    epochs = np.arange(1, len(mean) + 1)
    ax.plot(epochs, mean, style, color=colour, label=label)
    ax.fill_between(epochs, mean - sem, mean + sem, color=colour, alpha=alpha, linewidth=0)


def plot_curves(ax, groups, curve, title, log=True):
    """Mean +- SEM over seeds of a curve, one line per (label, runs, colour)."""
    for label, runs, colour in groups:
        plot_mean_sem(ax, runs, curve, label, colour)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)


def metric_rows(crnn, ccrnn, metrics):
    rows, comparisons = [], {}
    for scalar, label in metrics:
        if scalar not in crnn[0] or scalar not in ccrnn[0]:
            continue
        c = Comparison(values(ccrnn, scalar), values(crnn, scalar))
        comparisons[scalar] = c
        rows.append([label, fmt(c.ref_mean, c.ref_sem), fmt(c.mean, c.sem), fmt_rel(c.relative), fmt_p(c.p), c.n])
    return rows, comparisons


# ---- s9.1 line drawing ---------------------------------------------------------------------------------

def linedraw_sweeps(options):
    return [Sweep("models", "linedraw", linedraw_args(options, ["--grid", "model=crnn,ccrnn"]))]


DRAWING_METRICS = [("final_train_error", "final training error"), ("test_error", "test error"),
                   ("endpoint_error", "endpoint error"), ("irregularity", "irregularity"),
                   ("dysmetria", "dysmetria")]


def linedraw_analysis(runs_by_sweep, options):
    runs = runs_by_sweep["models"]
    crnn, ccrnn = select(runs, model="crnn"), select(runs, model="ccrnn")
    rows, c = metric_rows(crnn, ccrnn, DRAWING_METRICS)
    body = ("Line drawing at the papers' settings (T = 1, feedback every 2nd step); mean ± SEM over seeds, "
            "relative = ccRNN / cRNN, p = paired t-test across seeds.\n\n"
            + markdown_table(["metric", "cRNN", "ccRNN", "relative", "p", "seeds"], rows))

    fig = Figure(figsize=(12, 7.5), layout="constrained")
    axes = fig.subplots(2, 3)
    groups = [(LABEL[m], select(runs, model=m), COLOUR[m]) for m in MODELS]
    plot_curves(axes[0, 0], groups, "train_error", "training error")
    plot_curves(axes[0, 1], groups, "val_error", "validation error")
    for scalar, ax in (("irregularity", axes[0, 2]), ("test_error", axes[1, 2])):
        if scalar in c:
            comp = c[scalar]
            ax.bar([0, 1], [comp.ref_mean, comp.mean], yerr=[comp.ref_sem, comp.sem],
                   color=[COLOUR["crnn"], COLOUR["ccrnn"]], capsize=4)
            ax.set_xticks([0, 1], ["cRNN", "ccRNN"])
            ax.set_title(f"{scalar.replace('_', ' ')} (p = {fmt_p(comp.p)})", fontsize=10)
    targets = load_file_array(crnn[0]["_path"], "targets")  # (cues, L, 2)
    for ax, model in zip(axes[1, :2], MODELS):
        run = select(runs, model=model)[0]
        trajectories = load_array(run, "trajectories")  # (cues, L, 2), the test cues in the order of targets
        for k, (path, target) in enumerate(zip(trajectories, targets)):
            ax.plot(target[:, 0], target[:, 1], ":", color="0.6")
            ax.plot(path[:, 0], path[:, 1], "-o", markersize=2, color=f"C{k}")
        ax.set_aspect("equal")
        ax.set_title(f"{LABEL[model]} seed {run['seed']}: drawn test lines", fontsize=10)

    checks = []
    if "final_train_error" in c:
        f = c["final_train_error"]
        checks.append((f"the ccRNN ends with a lower training error than the cRNN (relative {fmt_rel(f.relative)}, "
                       f"p = {fmt_p(f.p)})", f.relative < 1 and f.significant()))
        early = max(1, len(crnn[0]["curves"]["train_error"]) // 5)
        first = Comparison({r["seed"]: float(np.mean(r["curves"]["train_error"][:early])) for r in ccrnn},
                           {r["seed"]: float(np.mean(r["curves"]["train_error"][:early])) for r in crnn})
        checks.append((f"its error falls faster: mean training error over the first {early} epochs, relative "
                       f"{fmt_rel(first.relative)}, p = {fmt_p(first.p)}", first.relative < 1 and first.significant()))
    if "irregularity" in c:
        i = c["irregularity"]
        checks.append((f"the cRNN draws more irregular paths: irregularity cRNN {fmt(i.ref_mean, i.ref_sem)}, "
                       f"ccRNN {fmt(i.mean, i.sem)}, p = {fmt_p(i.p)}", i.relative < 1 and i.significant()))
    if "dysmetria" in c:
        d = c["dysmetria"]
        checks.append((f"(for the record) dysmetria cRNN {fmt(d.ref_mean, d.ref_sem)}, ccRNN {fmt(d.mean, d.sem)}, "
                       f"p = {fmt_p(d.p)}: path-length dysmetria does not separate them", not d.significant()))
    f = c.get("final_train_error")
    summary = (f"final training error cRNN {fmt(f.ref_mean, f.ref_sem)}, ccRNN {fmt(f.mean, f.sem)}, relative "
               f"{fmt_rel(f.relative)}, p = {fmt_p(f.p)}" if f else "")
    if "irregularity" in c:
        i = c["irregularity"]
        summary += f"; irregularity relative {fmt_rel(i.relative)}, p = {fmt_p(i.p)}"
    return Outcome(body, fig, checks, summary)


# ---- s9.4 lesions --------------------------------------------------------------------------------------

def lesion_epochs(options):
    epochs = linedraw_epochs(options) or 100
    return max(2, round(0.1 * epochs)), max(3, round(0.7 * epochs))


def lesions_sweeps(options):
    early, late = lesion_epochs(options)
    return [Sweep("cerebellar", "linedraw", linedraw_args(options, ["--grid", f"lesion-epoch=0,{early},{late}"])),
            Sweep("olive", "linedraw",
                  linedraw_args(options, ["--grid", f"io-lesion-epoch={early},{late}", "--grid", "model=ccrnn"]))]


def lesions_analysis(runs_by_sweep, options):
    early, late = lesion_epochs(options)
    cb, io = runs_by_sweep["cerebellar"], runs_by_sweep["olive"]
    crnn = select(cb, model="crnn", lesion_epoch=0)
    intact = select(cb, model="ccrnn", lesion_epoch=0)
    conditions = [("cRNN", crnn, COLOUR["crnn"]), ("ccRNN, intact", intact, COLOUR["ccrnn"]),
                  (f"cerebellar lesion at epoch {early}", select(cb, model="ccrnn", lesion_epoch=early), "tab:orange"),
                  (f"cerebellar lesion at epoch {late}", select(cb, model="ccrnn", lesion_epoch=late), "tab:olive"),
                  (f"inferior-olive lesion at epoch {early}", select(io, model="ccrnn", io_lesion_epoch=early), "tab:purple"),
                  (f"inferior-olive lesion at epoch {late}", select(io, model="ccrnn", io_lesion_epoch=late), "tab:pink")]
    scalar = "final_train_error"
    ref_crnn, ref_intact = values(crnn, scalar), values(intact, scalar)
    rows, comp = [], {}
    for label, runs, _ in conditions:
        v = values(runs, scalar)
        vs_intact, vs_crnn = Comparison(v, ref_intact), Comparison(v, ref_crnn)
        comp[label] = (vs_intact, vs_crnn)
        rows.append([label, fmt(vs_intact.mean, vs_intact.sem), fmt_rel(vs_intact.relative), fmt_p(vs_intact.p),
                     fmt_rel(vs_crnn.relative), fmt_p(vs_crnn.p), vs_intact.n])
    body = ("Final training error of line drawing; a cerebellar lesion removes injection and cerebellar learning "
            "from its epoch on, an inferior-olive lesion freezes the still-injecting cerebellum.\n\n"
            + markdown_table(["condition", "final training error", "relative to intact ccRNN", "p vs intact",
                              "relative to cRNN", "p vs cRNN", "seeds"], rows))
    fig = Figure(figsize=(12, 4.5), layout="constrained")
    ax_curve, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    plot_curves(ax_curve, [(label, runs, colour) for label, runs, colour in conditions], "train_error",
                "training error (lesion epochs dotted)")
    for e in (early, late):
        ax_curve.axvline(e, color="0.5", linestyle=":")
    means = [comp[label][0].mean for label, _, _ in conditions]
    sems = [comp[label][0].sem for label, _, _ in conditions]
    ax_bar.barh(range(len(conditions)), means, xerr=sems, color=[c for _, _, c in conditions], capsize=3)
    ax_bar.set_yticks(range(len(conditions)), [label for label, _, _ in conditions], fontsize=8)
    ax_bar.invert_yaxis()
    ax_bar.set_xlabel("final training error")

    e_cb = comp[f"cerebellar lesion at epoch {early}"]
    l_cb = comp[f"cerebellar lesion at epoch {late}"]
    e_io = comp[f"inferior-olive lesion at epoch {early}"]
    intact_vs_crnn = comp["ccRNN, intact"][1]
    checks = [
        (f"the intact ccRNN beats the cRNN (relative {fmt_rel(intact_vs_crnn.relative)}, p = {fmt_p(intact_vs_crnn.p)})",
         intact_vs_crnn.relative < 1 and intact_vs_crnn.significant()),
        (f"an early cerebellar lesion removes the advantage: {fmt_rel(e_cb[0].relative)} x the intact ccRNN "
         f"(p = {fmt_p(e_cb[0].p)}), {fmt_rel(e_cb[1].relative)} x the cRNN (p = {fmt_p(e_cb[1].p)})",
         e_cb[0].relative > 1 and e_cb[0].significant()),
        (f"a late one matters little: {fmt_rel(l_cb[0].relative)} x the intact ccRNN (p = {fmt_p(l_cb[0].p)})",
         l_cb[0].relative < e_cb[0].relative and (not l_cb[0].significant() or l_cb[0].relative < 1.5)),
        (f"an early inferior-olive lesion is at least as harmful as an early cerebellar lesion "
         f"({fmt(e_io[0].mean, e_io[0].sem)} vs {fmt(e_cb[0].mean, e_cb[0].sem)})",
         e_io[0].mean >= e_cb[0].mean or not Comparison(values(conditions[4][1], scalar), values(conditions[2][1], scalar)).significant()),
    ]
    summary = (f"early cerebellar lesion {fmt_rel(e_cb[0].relative)} x intact (p = {fmt_p(e_cb[0].p)}), late "
               f"{fmt_rel(l_cb[0].relative)} x (p = {fmt_p(l_cb[0].p)}), early IO lesion {fmt_rel(e_io[0].relative)} x "
               f"(p = {fmt_p(e_io[0].p)})")
    return Outcome(body, fig, checks, summary)


# ---- s9.5 cerebellar architecture ----------------------------------------------------------------------

def granule_sizes(options):
    return [100, 400] if options.quick else [100, 400, 1600, 6400]


def architecture_sweeps(options):
    sizes = ",".join(str(m) for m in granule_sizes(options))
    one_layer = ["--set", "cerebellum-layers=1"]
    return [Sweep("granule", "linedraw", linedraw_args(options, ["--grid", "model=ccrnn", "--grid",
                                                                 f"cerebellum-hidden={sizes}", "--grid", "fibres=0,4",
                                                                 *one_layer])),
            Sweep("crnn", "linedraw", linedraw_args(options, ["--grid", "model=crnn"]))]


def architecture_analysis(runs_by_sweep, options):
    runs, crnn = runs_by_sweep["granule"], select(runs_by_sweep["crnn"], model="crnn")
    scalar = "final_train_error"
    ref = values(crnn, scalar)
    rows, table = [], {}
    for m in granule_sizes(options):
        dense = values(select(runs, cerebellum_hidden=m, fibres=0), scalar)
        for fibres in (0, 4):
            v = values(select(runs, cerebellum_hidden=m, fibres=fibres), scalar)
            vs_crnn, vs_dense = Comparison(v, ref), Comparison(v, dense)
            table[(m, fibres)] = (vs_crnn, vs_dense)
            rows.append([m, "dense" if fibres == 0 else "4", fmt(vs_crnn.mean, vs_crnn.sem), fmt_rel(vs_crnn.relative),
                         fmt_p(vs_crnn.p), "" if fibres == 0 else f"{fmt_rel(vs_dense.relative)} (p = {fmt_p(vs_dense.p)})",
                         vs_crnn.n])
    c0 = Comparison(ref, ref)
    body = ("Line drawing (T = 1) with one granule layer of M units, dense mossy fibres or 4 fibres per granule "
            f"cell; the cRNN's final training error is {fmt(c0.mean, c0.sem)}.\n\n"
            + markdown_table(["M", "fibres", "final training error", "relative to cRNN", "p vs cRNN",
                              "4 fibres relative to dense", "seeds"], rows))
    fig = Figure(figsize=(6.5, 4.5), layout="constrained")
    ax = fig.subplots()
    sizes = granule_sizes(options)
    for fibres, colour, label in ((0, "tab:blue", "dense fibres"), (4, "tab:green", "4 fibres per granule cell")):
        means = [table[(m, fibres)][0].mean for m in sizes]
        sems = [table[(m, fibres)][0].sem for m in sizes]
        ax.errorbar(sizes, means, yerr=sems, color=colour, marker="o", capsize=3, label=label)
    ax.axhspan(c0.mean - c0.sem, c0.mean + c0.sem, color=COLOUR["crnn"], alpha=0.25, label="cRNN")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("granule units M")
    ax.set_ylabel("final training error")
    ax.legend(fontsize=8)
    sparse_ok = [m for m in sizes if not (table[(m, 4)][1].significant() and table[(m, 4)][1].relative > 1)]
    checks = [(f"4 fibres per granule cell perform comparably to dense fibres (not significantly worse) at M = "
               f"{', '.join(str(m) for m in sparse_ok) or 'none'} of {', '.join(str(m) for m in sizes)}",
               len(sparse_ok) == len(sizes))]
    widest = table[(sizes[-1], 4)][1]
    summary = (f"4 fibres vs dense: relative {', '.join(fmt_rel(table[(m, 4)][1].relative) for m in sizes)} at M = "
               f"{', '.join(str(m) for m in sizes)} (p at M = {sizes[-1]}: {fmt_p(widest.p)})")
    return Outcome(body, fig, checks, summary)


# ---- s8 gradient alignment and population statistics ---------------------------------------------------

def alignment_sweeps(options):
    every = "2" if options.quick else "16"
    return [Sweep("recorded", "linedraw", linedraw_args(options, ["--grid", "model=crnn,ccrnn", "--record-every", every]))]


POPULATION = [("cortex_population_correlation", "cortex population correlation"),
              ("cortex_coding_space", "cortex coding space"),
              ("granule_population_correlation", "granule population correlation"),
              ("granule_sparsity", "granule sparsity"), ("cortex_granule_r", "cortex-granule |r|")]


def first_last(runs, curve):
    """{seed: first finite value}, {seed: last finite value} of a recording curve."""
    first, last = {}, {}
    for r in runs:
        c = r["curves"].get(curve)
        if c is None:
            continue
        finite = c[np.isfinite(c)]
        if len(finite):
            first[r["seed"]], last[r["seed"]] = float(finite[0]), float(finite[-1])
    return first, last


def alignment_analysis(runs_by_sweep, options):
    runs = runs_by_sweep["recorded"]
    crnn, ccrnn = select(runs, model="crnn"), select(runs, model="ccrnn")
    rows = []
    pred_first, pred_last = first_last(ccrnn, "alignment_prediction")
    over = Comparison(pred_last, pred_first)
    rows.append(["ccRNN: cerebellar prediction vs true gradient", fmt(over.ref_mean, over.ref_sem),
                 fmt(over.mean, over.sem), fmt_p(over.p)])
    for label, model_runs in (("cRNN", crnn), ("ccRNN", ccrnn)):
        a, b = first_last(model_runs, "alignment_truncated")
        c = Comparison(b, a)
        rows.append([f"{label}: truncated gradient vs true gradient", fmt(c.ref_mean, c.ref_sem), fmt(c.mean, c.sem),
                     fmt_p(c.p)])
    for curve, label in POPULATION:
        for name, model_runs in (("cRNN", crnn), ("ccRNN", ccrnn)):
            a, b = first_last(model_runs, curve)
            if not a:
                continue
            c = Comparison(b, a)
            rows.append([f"{name}: {label}", fmt(c.ref_mean, c.ref_sem), fmt(c.mean, c.sem), fmt_p(c.p)])
    body = ("Recordings at the truncation boundaries (ALGORITHM.md s8; definitions in docs/metrics.md), first and "
            "last recorded epoch, mean ± SEM over seeds; p = paired t-test of last against first.\n\n"
            + markdown_table(["quantity", "first epoch", "last epoch", "p (last vs first)"], rows))
    fig = Figure(figsize=(12, 7.5), layout="constrained")
    axes = fig.subplots(2, 3).ravel()
    plot_curves(axes[0], [("ccRNN prediction", ccrnn, COLOUR["ccrnn"]),
                          ("cRNN truncated", crnn, COLOUR["crnn"]),
                          ("ccRNN truncated", ccrnn, "tab:cyan")][:1], "alignment_prediction",
                "cos(prediction, true gradient)", log=False)
    plot_curves(axes[1], [("cRNN", crnn, COLOUR["crnn"]), ("ccRNN", ccrnn, COLOUR["ccrnn"])],
                "alignment_truncated", "cos(truncated, true gradient)", log=False)
    for ax, (curve, label) in zip(axes[2:], POPULATION[:4]):
        plot_curves(ax, [("cRNN", crnn, COLOUR["crnn"]), ("ccRNN", ccrnn, COLOUR["ccrnn"])], curve, label, log=False)
    mean_alignment = {r["seed"]: float(np.nanmean(r["curves"]["alignment_prediction"])) for r in ccrnn
                      if "alignment_prediction" in r["curves"]}
    zero = Comparison(mean_alignment, {s: 0.0 for s in mean_alignment})
    checks = [(f"the cerebellum's predictions align with the true future gradient (mean cosine over learning "
               f"{fmt(zero.mean, zero.sem)} > 0, p = {fmt_p(zero.p)})", zero.mean > 0 and zero.significant())]
    summary = (f"prediction alignment {fmt(over.ref_mean, over.ref_sem)} -> {fmt(over.mean, over.sem)} "
               f"(mean over learning {fmt(zero.mean)}, p vs 0 = {fmt_p(zero.p)})")
    return Outcome(body, fig, checks, summary)
