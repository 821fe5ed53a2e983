"""FORWARD_MODEL.md s8 (Pemberton, Chadderton & Costa 2024): the cerebellum as a forward model in a loop.
A fixed cortex learns through the loop and fails without it (line drawing, evidence accumulation, delayed
association; digit drawing), and ablating the trained cerebellum from step k of the trial collapses the behaviour, the more
the earlier. One sweep per claim: crnn (no cerebellar feedback) and ccrnn (the loop) of the same seeds, tested
with the cerebellum ablated from ~10 steps k (--ablation-profile). Where the spec quotes the paper's controls
(line drawing, evidence accumulation), a second sweep trains them on the same seeds: readout feedback and
the cerebellar readout (an MLP readout with dropout, no feedback), each compared with no feedback."""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .drawing_claims import COLOUR, plot_mean_sem
from .results import Comparison, fmt, fmt_p, fmt_rel, load_array, markdown_table, mean_sem, select, values
from .runner import Outcome, Sweep

LABEL = {"crnn": "no cerebellar feedback", "ccrnn": "the loop"}
# The paper's controls (Table 1; --feedback of the ccrnn model), in the order of the tables.
CONTROLS = {"readout": "readout feedback", "cerebellar-readout": "cerebellar readout (MLP, dropout 0.2, no feedback)"}
CONTROL_COLOUR = {"readout": "tab:green", "cerebellar-readout": "tab:purple"}


@dataclass(frozen=True)
class LoopClaim:
    task: str
    accuracy: bool  # classification: tables show accuracy = 1 - test_error
    reference: str  # what the reference code gave (FORWARD_MODEL.md s8, [M])
    quick_args: tuple
    extra_grid: tuple = ()  # further --grid items
    controls: bool = False  # also the controls sweep (the spec quotes them for this task)


CLAIMS = {
    "loop-drawing": LoopClaim(
        "loopdraw", False,
        "reference code, 40 epochs, 3 seeds: test MSE no feedback 0.156-0.162, readout feedback 0.128-0.153, the "
        "loop 0.007-0.014",
        ("--train-size", "60", "--val-size", "20", "--test-size", "30"), controls=True),
    "loop-evidence": LoopClaim(
        "evidence", True,
        "reference code, 30 epochs, 3 seeds: test accuracy no feedback 0.50-0.54, readout feedback 0.47-0.55, "
        "the loop 0.72-0.82, the loop ablated from step 0 0.43-0.48",
        ("--train-size", "60", "--val-size", "20", "--test-size", "30", "--length", "20"), controls=True),
    "loop-digits": LoopClaim(
        "loopdigits", False,
        "reference code, digits 0-5, 30 epochs, 1 seed: test MSE no feedback 0.051, the loop 0.026 (0.025 with the "
        "temporal basis)",
        ("--train-size", "60", "--val-size", "20", "--test-size", "30")),
    "loop-association": LoopClaim(
        "association", True,
        "reference code, 1 seed: the loop 100% by epoch 6, no feedback at chance after 40 epochs; ablated from "
        "step 0: 0.51, 5: 0.67, 10: 1.0",
        ("--train-size", "60", "--val-size", "20", "--test-size", "30"),
        ("--grid", "cortical-plasticity=input,fixed")),
}


def sweeps_of(name):
    claim = CLAIMS[name]

    def sweeps(options):
        size = []
        if options.quick:
            size += [*claim.quick_args, "--cerebellum-hidden", "60"]
        epochs = options.epochs if options.epochs is not None else (2 if options.quick else None)
        if epochs is not None:
            size += ["--epochs", str(epochs)]
        found = [Sweep("models", claim.task, ["--grid", "model=crnn,ccrnn", *claim.extra_grid, "--ablation-profile", *size])]
        if claim.controls:  # no cerebellum to ablate in them: no profile
            found.append(Sweep("controls", claim.task,
                               ["--grid", "model=ccrnn", "--grid", "feedback=" + ",".join(CONTROLS), *size]))
        return found
    return sweeps


def analysis_of(name):
    claim = CLAIMS[name]
    return lambda runs_by_sweep, options: analyse(claim, runs_by_sweep["models"], runs_by_sweep.get("controls", []))


def score(claim, error):
    return 1.0 - error if claim.accuracy else error


def scored(claim, runs, scalar):
    return {seed: score(claim, v) for seed, v in values(runs, scalar).items()}


def profiles(runs):
    """(k, (seeds, points) errors) of the runs' ablation profiles."""
    arrays = [load_array(r, "ablation_profile") for r in runs]
    return arrays[0][0], np.array([a[1] for a in arrays])


def analyse(claim, runs, controls=()):
    metric = "test accuracy" if claim.accuracy else "test error (per-element MSE)"
    conditions = sorted({r.get("cortical_plasticity", "") for r in runs})
    sections, checks, summaries = [], [], []
    fig = Figure(figsize=(11, 4 * len(conditions)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(conditions), 2))
    for row, plasticity in enumerate(conditions):
        where = {"cortical_plasticity": plasticity} if plasticity else {}
        crnn, ccrnn = select(runs, model="crnn", **where), select(runs, model="ccrnn", **where)
        loop = Comparison(scored(claim, ccrnn, "test_error"), scored(claim, crnn, "test_error"))
        ablated = Comparison(scored(claim, ccrnn, "ablated_test_error"), scored(claim, crnn, "test_error"))
        rows = [[LABEL["crnn"], fmt(loop.ref_mean, loop.ref_sem), "", loop.n],
                [LABEL["ccrnn"], fmt(loop.mean, loop.sem), fmt_p(loop.p), loop.n],
                ["the loop, cerebellum ablated from step 0", fmt(ablated.mean, ablated.sem), fmt_p(ablated.p), ablated.n]]
        against_control = {}  # the loop against each control, paired by seed
        for feedback, label in CONTROLS.items():
            chosen = select(controls, feedback=feedback, **where)
            if not chosen:
                continue
            control = Comparison(scored(claim, chosen, "test_error"), scored(claim, crnn, "test_error"))
            rows.append([label, fmt(control.mean, control.sem), fmt_p(control.p), control.n])
            against_control[feedback] = Comparison(scored(claim, ccrnn, "test_error"), scored(claim, chosen, "test_error"))
        title = f"cortical plasticity {plasticity}" if plasticity else "fixed cortex"
        table = markdown_table(["model", metric, "p (against no feedback)", "seeds"], rows)

        steps, errors = profiles(ccrnn)
        intact = errors[:, -1]
        prof_rows, means = [], []
        for j, k in enumerate(steps):
            m, s = mean_sem(score(claim, errors[:, j]))
            means.append(m)
            p = Comparison(dict(enumerate(score(claim, errors[:, j]))), dict(enumerate(score(claim, intact)))).p
            prof_rows.append([int(k) if k < steps[-1] else f"{int(k)} (never)", fmt(m, s), fmt_p(p) if k < steps[-1] else ""])
        profile = markdown_table(["ablated from step k", metric, "p (against intact)"], prof_rows)
        sections.append(f"### {title}\n\n{table}\n\nThe loop's trained cerebellum ablated from step k of the trial "
                        f"(mean ± SEM over seeds; L = {int(steps[-1])}):\n\n{profile}")

        ax = axes[row, 0]
        for model in ("crnn", "ccrnn"):
            plot_mean_sem(ax, select(runs, model=model, **where), "val_error", LABEL[model], COLOUR[model])
        plot_mean_sem(ax, ccrnn, "val_ablated_error", "the loop, ablated", "0.5", "--")
        for feedback in against_control:
            plot_mean_sem(ax, select(controls, feedback=feedback, **where), "val_error", CONTROLS[feedback],
                          CONTROL_COLOUR[feedback])
        ax.set_xlabel("epoch")
        ax.set_title(f"{claim.task} ({title}): validation {'error rate' if claim.accuracy else 'error'}", fontsize=10)
        ax.legend(fontsize=8)
        ax = axes[row, 1]
        ys = score(claim, errors)
        ax.errorbar(steps, ys.mean(axis=0), yerr=ys.std(axis=0, ddof=1) / np.sqrt(len(ys)) if len(ys) > 1 else None,
                    fmt="-o", color=COLOUR["ccrnn"], capsize=3)
        ax.axhline(loop.ref_mean, color=COLOUR["crnn"], linestyle=":", label=LABEL["crnn"])
        ax.set_xlabel("cerebellum ablated from step k (k = L: never)")
        ax.set_ylabel(metric)
        ax.legend(fontsize=8)

        better = (loop.mean > loop.ref_mean) if claim.accuracy else (loop.mean < loop.ref_mean)
        worse_early = (means[0] < means[-2]) if claim.accuracy else (means[0] > means[-2])
        flat = len(steps) <= 2 or np.std(means[:-1]) == 0  # no trend to measure
        trend = np.nan if flat else np.corrcoef(steps[:-1], means[:-1])[0, 1]
        checks += [
            (f"{title}: the loop learns the task better than the cortex without it ({metric} {fmt(loop.mean, loop.sem)} "
             f"against {fmt(loop.ref_mean, loop.ref_sem)}, p = {fmt_p(loop.p)})", better and loop.significant()),
            (f"{title}: ablating the cerebellum from step 0 collapses the behaviour ({fmt(ablated.mean, ablated.sem)}, "
             f"no feedback {fmt(ablated.ref_mean, ablated.ref_sem)})",
             abs(ablated.mean - loop.mean) > abs(ablated.mean - loop.ref_mean)),
            (f"{title}: the earlier the ablation, the worse (from step 0: {fmt(means[0])}, from step {int(steps[-2])}: "
             f"{fmt(means[-2])}; correlation of k with the {metric} {trend:+.2f})",
             worse_early and (trend > 0 if claim.accuracy else trend < 0)),
        ]
        for feedback, versus in against_control.items():
            checks.append((f"{title}: the loop learns the task better than the {CONTROLS[feedback]} ({metric} "
                           f"{fmt(versus.mean, versus.sem)} against {fmt(versus.ref_mean, versus.ref_sem)}, p = "
                           f"{fmt_p(versus.p)})",
                           ((versus.mean > versus.ref_mean) if claim.accuracy else (versus.mean < versus.ref_mean))
                           and versus.significant()))
        summaries.append(f"{title}: {fmt(loop.ref_mean, loop.ref_sem)} without the loop, {fmt(loop.mean, loop.sem)} "
                         f"with it (p = {fmt_p(loop.p)}), {fmt(ablated.mean, ablated.sem)} ablated from step 0")
    controls_text = (" The paper's controls (the ccrnn model with `--feedback readout` or `--feedback cerebellar-readout`, "
                     "whose cortex starts from the same weights) are compared with no feedback too."
                     if len(controls) else "")
    body = (f"Task `{claim.task}` through the cortico-cerebellar loop (docs/forward-model.md): no cerebellar feedback "
            f"(crnn, the cerebellum silenced) against the loop (ccrnn), same seeds and initial weights; mean ± SEM "
            f"over seeds, p = paired t-test across seeds.{controls_text}\n\nThe reference (FORWARD_MODEL.md s8): "
            f"{claim.reference}.\n\n"
            + "\n\n".join(sections))
    return Outcome(body, fig, checks, "; ".join(summaries))
