"""FORWARD_MODEL.md s6 and s8.5 (Pemberton, Chadderton & Costa 2024, Fig. 8): consolidation ("sleep").
After training the loop on line drawing, sleep sessions move the cerebellar drive into the cortex's
recurrent weights, by least squares and by the local rule, from the same trained models (same seeds); the
cerebellum-ablated and the intact test error are measured before any session and after each."""
import numpy as np
from matplotlib.figure import Figure

from .loop_claims import CLAIMS as LOOP_CLAIMS
from .results import Comparison, curve_stack, fmt, fmt_p, markdown_table, mean_sem, select
from .runner import Outcome, Sweep

RULES = ("least_squares", "local")
LABEL = {"least_squares": "least squares", "local": "local rule"}
COLOUR = {"least_squares": "tab:blue", "local": "tab:green"}
SESSIONS = 50  # as the reference script (its rate 0.1: ||W_Ch|| shrinks by 0.9^50)
REFERENCE = ("reference code, shipped delayed-association model (FORWARD_MODEL.md s8.5): ablated accuracy 0.49 -> 1.0 "
             "after ~20 least-squares sessions; local rule 0.95, the intact accuracy dipping to 0.90-0.94; "
             "cosine of the drives 0.76 -> 0.99 (least squares) / 0.96 (local)")


def sweeps(options):
    sessions = 3 if options.quick else SESSIONS
    args = ["--grid", "model=ccrnn", "--grid", "sleep-rule=" + ",".join(RULES), "--sleep-sessions", str(sessions)]
    if options.quick:
        args += [*LOOP_CLAIMS["loop-drawing"].quick_args, "--cerebellum-hidden", "60"]
    epochs = options.epochs if options.epochs is not None else (2 if options.quick else None)
    if epochs is not None:
        args += ["--epochs", str(epochs)]
    return [Sweep("rules", "loopdraw", args)]


def first_and_last(runs, curve):
    """{seed: value} before any session and after the last."""
    return ({r["seed"]: float(r["curves"][curve][0]) for r in runs},
            {r["seed"]: float(r["curves"][curve][-1]) for r in runs})


def analysis(runs_by_sweep, options):
    runs = runs_by_sweep["rules"]
    rows, session_rows, checks, summaries = [], [], [], []
    fig = Figure(figsize=(15, 4), layout="constrained")
    axes = fig.subplots(1, 3)
    for rule in RULES:
        chosen = select(runs, model="ccrnn", sleep_rule=rule)
        if not chosen:
            continue
        ablated_before, ablated_after = first_and_last(chosen, "sleep_ablated_error")
        intact_before, intact_after = first_and_last(chosen, "sleep_error")
        ablated = Comparison(ablated_after, ablated_before)
        intact = Comparison(intact_after, intact_before)
        sessions = len(chosen[0]["curves"]["sleep_error"]) - 1
        rows += [[LABEL[rule], "cerebellum ablated", fmt(ablated.ref_mean, ablated.ref_sem), fmt(ablated.mean, ablated.sem),
                  fmt_p(ablated.p), ablated.n],
                 [LABEL[rule], "intact", fmt(intact.ref_mean, intact.ref_sem), fmt(intact.mean, intact.sem),
                  fmt_p(intact.p), intact.n]]
        points = sorted({0, *range(0, sessions + 1, max(1, sessions // 5)), sessions})
        for s in points:
            a = mean_sem([r["curves"]["sleep_ablated_error"][s] for r in chosen])
            i = mean_sem([r["curves"]["sleep_error"][s] for r in chosen])
            c = mean_sem([r["curves"]["sleep_cosine"][s - 1] for r in chosen]) if s > 0 else (np.nan, np.nan)
            session_rows.append([LABEL[rule], s, fmt(*a), fmt(*i), fmt(*c)])

        for ax, curve in zip(axes, ("sleep_ablated_error", "sleep_error")):
            mean, sem = curve_stack(chosen, curve)
            x = np.arange(len(mean))
            ax.plot(x, mean, color=COLOUR[rule], label=LABEL[rule])
            ax.fill_between(x, mean - sem, mean + sem, color=COLOUR[rule], alpha=0.25, linewidth=0)
        mean, sem = curve_stack(chosen, "sleep_cosine")
        x = np.arange(1, len(mean) + 1)
        axes[2].plot(x, mean, color=COLOUR[rule], label=LABEL[rule])
        axes[2].fill_between(x, mean - sem, mean + sem, color=COLOUR[rule], alpha=0.25, linewidth=0)

        transfer = abs(ablated.mean - intact.ref_mean) < abs(ablated.mean - ablated.ref_mean)
        checks += [
            (f"{LABEL[rule]}: sleep makes the ablated model perform better (test error {fmt(ablated.ref_mean, ablated.ref_sem)} "
             f"-> {fmt(ablated.mean, ablated.sem)} after {sessions} sessions, p = {fmt_p(ablated.p)})",
             ablated.mean < ablated.ref_mean and ablated.significant()),
            (f"{LABEL[rule]}: more than half the way to the intact model's error before sleep ({fmt(intact.ref_mean)}): "
             f"the ablated model ends at {fmt(ablated.mean)}", transfer),
            (f"{LABEL[rule]}: the intact model keeps its performance (test error {fmt(intact.ref_mean, intact.ref_sem)} -> "
             f"{fmt(intact.mean, intact.sem)}, p = {fmt_p(intact.p)}; held if within twice its error before)",
             intact.mean <= 2 * intact.ref_mean),
        ]
        summaries.append(f"{LABEL[rule]}: ablated {fmt(ablated.ref_mean, ablated.ref_sem)} -> {fmt(ablated.mean, ablated.sem)} "
                         f"(p = {fmt_p(ablated.p)}), intact {fmt(intact.ref_mean, intact.ref_sem)} -> "
                         f"{fmt(intact.mean, intact.sem)} (p = {fmt_p(intact.p)})")
    for ax, title in zip(axes, ("test error, cerebellum ablated", "test error, intact loop",
                                "cos(original total drive, W_hh r)")):
        ax.set_xlabel("sleep sessions")
        ax.set_title(f"loopdraw: {title}", fontsize=10)
        ax.legend(fontsize=8)
    table = markdown_table(["rule", "model tested", "before sleep", "after sleep", "p (paired)", "seeds"], rows)
    over = markdown_table(["rule", "sessions", "ablated test error", "intact test error", "cosine of the drives"],
                          session_rows)
    body = ("Line drawing through the loop (`loopdraw`, its defaults), trained once per seed, then consolidated by each "
            "rule (`--sleep-sessions`, `--sleep-rule`; docs/forward-model.md); test error (per-element MSE), mean ± SEM "
            f"over seeds, p = paired t-test across seeds (after against before).\n\nThe reference: {REFERENCE}. It "
            "consolidated delayed association; no reference number exists for line drawing.\n\n"
            f"{table}\n\nOver the sessions:\n\n{over}")
    return Outcome(body, fig, checks, "; ".join(summaries))
