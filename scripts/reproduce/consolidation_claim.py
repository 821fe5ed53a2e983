"""FORWARD_MODEL.md s6 and s8.5 (Pemberton, Chadderton & Costa 2024, Fig. 8): consolidation ("sleep").
After training the loop, sleep sessions move the cerebellar drive into the cortex's recurrent weights, by least
squares and by the local rule, from the same trained models (same seeds); the cerebellum-ablated and the intact
model are tested before any session and after each. Two tasks: delayed association (the reference's) and line
drawing."""
from dataclasses import dataclass

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


@dataclass(frozen=True)
class SleepTask:
    sweep: str         # the sweep's name (its results file)
    task: str          # ccrnn-sweep --task
    loop_claim: str    # the loop claim whose --quick sizes it shares
    title: str
    measure: str       # what the table shows: "test error" (as recorded) or "test accuracy" (1 - error)
    intro: str

    def shown(self, error):
        return 1.0 - np.asarray(error, dtype=float) if self.measure == "test accuracy" else np.asarray(error, dtype=float)


TASKS = (
    SleepTask("association", "association", "loop-association", "delayed association", "test accuracy",
              "Delayed association through the loop (`association`, its defaults: the cortex's input weights learn, as "
              "the reference's `inp_only`), the task the reference consolidated; accuracy at the last step; the "
              "ablated model has no cerebellar input at any step."),
    SleepTask("rules", "loopdraw", "loop-drawing", "line drawing", "test error",
              "Line drawing through the loop (`loopdraw`, its defaults); test error (per-element MSE). No reference "
              "number exists for line drawing."),
)


def sweeps(options):
    sessions = 3 if options.quick else SESSIONS
    epochs = options.epochs if options.epochs is not None else (2 if options.quick else None)
    result = []
    for task in TASKS:
        args = ["--grid", "model=ccrnn", "--grid", "sleep-rule=" + ",".join(RULES), "--sleep-sessions", str(sessions)]
        if options.quick:
            args += [*LOOP_CLAIMS[task.loop_claim].quick_args, "--cerebellum-hidden", "60"]
        if epochs is not None:
            args += ["--epochs", str(epochs)]
        result.append(Sweep(task.sweep, task.task, args))
    return result


def first_and_last(task, runs, curve):
    """{seed: value shown} before any session and after the last."""
    return ({r["seed"]: float(task.shown(r["curves"][curve][0])) for r in runs},
            {r["seed"]: float(task.shown(r["curves"][curve][-1])) for r in runs})


def better(task, after, before):
    return after > before if task.measure == "test accuracy" else after < before


def checks_of(task, rule, ablated, intact, sessions):
    name = f"{task.title}, {LABEL[rule]}"
    transfer = abs(ablated.mean - intact.ref_mean) < abs(ablated.mean - ablated.ref_mean)
    if task.measure == "test accuracy":  # the reference's intact accuracy dips to 0.90-0.94
        kept, rule_text = intact.mean >= intact.ref_mean - 0.1, "held if at most 0.1 below its accuracy before"
    else:
        kept, rule_text = intact.mean <= 2 * intact.ref_mean, "held if within twice its error before"
    return [
        (f"{name}: sleep makes the ablated model perform better ({task.measure} {fmt(ablated.ref_mean, ablated.ref_sem)} "
         f"-> {fmt(ablated.mean, ablated.sem)} after {sessions} sessions, p = {fmt_p(ablated.p)})",
         better(task, ablated.mean, ablated.ref_mean) and ablated.significant()),
        (f"{name}: more than half the way to the intact model's {task.measure} before sleep ({fmt(intact.ref_mean)}): "
         f"the ablated model ends at {fmt(ablated.mean)}", transfer),
        (f"{name}: the intact model keeps its performance ({task.measure} {fmt(intact.ref_mean, intact.ref_sem)} -> "
         f"{fmt(intact.mean, intact.sem)}, p = {fmt_p(intact.p)}; {rule_text})", kept),
    ]


PANELS = (("sleep_ablated_error", "cerebellum ablated"), ("sleep_error", "intact loop"),
          ("sleep_cosine", "cos(original total drive, W_hh r)"),
          ("sleep_fit_residual", "||(G/rho) r - u|| / ||u|| (update's miss)"))


def task_section(task, runs, axes):
    """The task's Markdown, its claim checks and summary, and its row of the figure."""
    rows, session_rows, checks, summaries = [], [], [], []
    for rule in RULES:
        chosen = select(runs, model="ccrnn", sleep_rule=rule)
        if not chosen:
            continue
        ablated_before, ablated_after = first_and_last(task, chosen, "sleep_ablated_error")
        intact_before, intact_after = first_and_last(task, chosen, "sleep_error")
        ablated = Comparison(ablated_after, ablated_before)
        intact = Comparison(intact_after, intact_before)
        sessions = len(chosen[0]["curves"]["sleep_error"]) - 1
        rows += [[LABEL[rule], "cerebellum ablated", fmt(ablated.ref_mean, ablated.ref_sem), fmt(ablated.mean, ablated.sem),
                  fmt_p(ablated.p), ablated.n],
                 [LABEL[rule], "intact", fmt(intact.ref_mean, intact.ref_sem), fmt(intact.mean, intact.sem),
                  fmt_p(intact.p), intact.n]]
        per_session = lambda curve, s: mean_sem([r["curves"][curve][s] for r in chosen if curve in r["curves"]])
        for s in sorted({0, *range(0, sessions + 1, max(1, sessions // 5)), sessions}):
            a = mean_sem([task.shown(r["curves"]["sleep_ablated_error"][s]) for r in chosen])
            i = mean_sem([task.shown(r["curves"]["sleep_error"][s]) for r in chosen])
            c, f = (per_session("sleep_cosine", s - 1), per_session("sleep_fit_residual", s - 1)) if s > 0 else \
                ((np.nan, np.nan), (np.nan, np.nan))
            session_rows.append([LABEL[rule], s, fmt(*a), fmt(*i), fmt(*c), fmt(*f)])

        for ax, (curve, _) in zip(axes, PANELS):
            stacked = curve_stack(chosen, curve)
            if stacked is None:
                continue
            mean, sem = stacked
            if curve in ("sleep_ablated_error", "sleep_error"):
                mean = task.shown(mean)
            x = np.arange(len(mean)) + (0 if curve in ("sleep_ablated_error", "sleep_error") else 1)
            ax.plot(x, mean, color=COLOUR[rule], label=LABEL[rule])
            ax.fill_between(x, mean - sem, mean + sem, color=COLOUR[rule], alpha=0.25, linewidth=0)
        checks += checks_of(task, rule, ablated, intact, sessions)
        summaries.append(f"{task.title}, {LABEL[rule]}: ablated {fmt(ablated.ref_mean, ablated.ref_sem)} -> "
                         f"{fmt(ablated.mean, ablated.sem)} (p = {fmt_p(ablated.p)}), intact "
                         f"{fmt(intact.ref_mean, intact.ref_sem)} -> {fmt(intact.mean, intact.sem)}")
    for ax, (curve, title) in zip(axes, PANELS):
        ax.set_xlabel("sleep sessions")
        shown = task.measure if curve in ("sleep_ablated_error", "sleep_error") else ""
        ax.set_title(f"{task.sweep if task.sweep != 'rules' else 'loopdraw'}: {shown + ', ' if shown else ''}{title}",
                     fontsize=9)
        ax.legend(fontsize=8)
    table = markdown_table(["rule", "model tested", f"{task.measure} before sleep", "after sleep", "p (paired)", "seeds"],
                           rows)
    over = markdown_table(["rule", "sessions", f"ablated {task.measure}", f"intact {task.measure}",
                           "cosine of the drives", "update's miss of the drive"], session_rows)
    body = f"### {task.title}\n\n{task.intro}\n\n{table}\n\nOver the sessions:\n\n{over}"
    return body, checks, summaries


def analysis(runs_by_sweep, options):
    present = [task for task in TASKS if task.sweep in runs_by_sweep]
    fig = Figure(figsize=(18, 4 * len(present)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(present), len(PANELS)))
    sections, checks, summaries = [], [], []
    for task, row in zip(present, axes):
        body, task_checks, task_summaries = task_section(task, runs_by_sweep[task.sweep], row)
        sections.append(body)
        checks += task_checks
        summaries += task_summaries
    intro = ("Each task's model trained once per seed, then consolidated by each rule (`--sleep-sessions`, "
             "`--sleep-rule`; docs/forward-model.md); mean ± SEM over seeds, p = paired t-test across seeds (after "
             "against before). Cosine of the drives: mean over a session's pairs of cos(W_hh^0 r + W_Ch^0 c, W_hh r); "
             "the update's miss: ||(G/rho) r - u|| / ||u|| over the session's pairs (0 = the W_hh update reproduces "
             f"the cerebellar drive u = W_Ch c it replaces).\n\nThe reference: {REFERENCE}.")
    return Outcome(intro + "\n\n" + "\n\n".join(sections), fig, checks, "; ".join(summaries))
