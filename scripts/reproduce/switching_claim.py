"""FORWARD_MODEL.md s5 and s8.4 (Pemberton, Chadderton & Costa 2024, Fig. 3): task switching between
cerebellar modules. The loop learns the straight lines with module 0; a fresh module (the untrained initial
one) learns semicircular arcs to the same endpoints; module 0 is then put back and the lines are tested
again without retraining (`loopdraw --switch-epochs`, the reference's multitask settings)."""
import numpy as np
from matplotlib.figure import Figure

from .loop_claims import CLAIMS as LOOP_CLAIMS
from .results import Comparison, fmt, fmt_p, markdown_table, mean_sem, select, values
from .drawing_claims import plot_mean_sem
from .runner import Outcome, Sweep

# The reference's multitask run: alpha 0.5, final learning, 50 epochs of lines then 10 of arcs.
LINES_EPOCHS, ARCS_EPOCHS = 50, 10
SETTINGS = ["--leak", "0.5", "--final-learning"]
PHASES = [("lines_test_error_before_switch", "lines, module 0 (before the switch)", 0.0021),
          ("arcs_test_error_module0", "arcs with the lines' module 0", 0.051),
          ("arcs_test_error", "arcs with the fresh module 1", 0.0074),
          ("test_error", "lines after switching back to module 0", 0.0025)]
REFERENCE = "reference code, 1 seed (FORWARD_MODEL.md s8.4): " + ", ".join(f"{label} {ref}" for _, label, ref in PHASES)


def sweeps(options):
    lines = options.epochs if options.epochs is not None else (2 if options.quick else LINES_EPOCHS)
    arcs = 1 if options.quick else ARCS_EPOCHS
    args = ["--grid", "model=ccrnn", *SETTINGS, "--epochs", str(lines), "--switch-epochs", str(arcs)]
    if options.quick:
        args += [*LOOP_CLAIMS["loop-drawing"].quick_args, "--cerebellum-hidden", "60"]
    return [Sweep("switching", "loopdraw", args)]


def analysis(runs_by_sweep, options):
    runs = select(runs_by_sweep["switching"], model="ccrnn")
    lines_epochs, arcs_epochs = int(runs[0]["epochs"]), int(runs[0]["switch_epochs"])
    phase = {name: values(runs, name) for name, _, _ in PHASES}
    fresh = Comparison(phase["arcs_test_error"], phase["arcs_test_error_module0"])
    back = Comparison(phase["test_error"], phase["lines_test_error_before_switch"])
    ablated = Comparison(values(runs, "arcs_ablated_test_error"), phase["arcs_test_error"])
    p_of = {"arcs_test_error": fresh.p, "test_error": back.p}
    against = {"arcs_test_error": "arcs with module 0", "test_error": "lines before the switch"}
    means = [mean_sem(phase[name].values()) for name, _, _ in PHASES]
    rows = [[label, fmt(*m), f"{fmt_p(p_of[name])} (against {against[name]})" if name in p_of else "", ref, len(phase[name])]
            for (name, label, ref), m in zip(PHASES, means)]
    rows.append(["arcs with module 1, cerebellum ablated", fmt(ablated.mean, ablated.sem),
                 f"{fmt_p(ablated.p)} (against module 1 intact)", "", ablated.n])
    table = markdown_table(["phase", "test error", "p (paired)", "reference (1 seed)", "seeds"], rows)

    fig = Figure(figsize=(11, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_mean_sem(left, runs, "val_error", "validation error (the task being learnt)", "tab:blue")
    left.axvline(lines_epochs + 0.5, color="0.4", linestyle=":", label="switch to the arcs and module 1")
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_title("loopdraw: lines with module 0, then arcs with module 1", fontsize=10)
    left.legend(fontsize=8)
    x = np.arange(len(PHASES))
    right.bar(x, [m for m, _ in means], yerr=[s for _, s in means], color=["tab:blue", "tab:red", "tab:green", "tab:blue"],
              capsize=4, label="ccrnn (mean ± SEM)")
    right.plot(x, [ref for _, _, ref in PHASES], "k_", markersize=20, mew=2, label="reference code (1 seed)")
    right.set_xticks(x, ["lines\nmodule 0", "arcs\nmodule 0", "arcs\nmodule 1", "lines\nback to 0"], fontsize=8)
    right.set_ylabel("test error (per-element MSE)")
    right.set_title("test error per phase", fontsize=10)
    right.legend(fontsize=8)

    checks = [
        (f"a fresh module learns the second task: arcs {fmt(fresh.ref_mean, fresh.ref_sem)} with the lines' module, "
         f"{fmt(fresh.mean, fresh.sem)} with module 1 after {arcs_epochs} epochs (p = {fmt_p(fresh.p)})",
         fresh.mean < fresh.ref_mean and fresh.significant()),
        (f"switching back needs no retraining: the lines err {fmt(back.mean, back.sem)} with module 0 put back, against "
         f"{fmt(back.ref_mean, back.ref_sem)} before the switch (p = {fmt_p(back.p)}; held if within twice the error "
         f"before and below the arcs' error with the wrong module, {fmt(fresh.ref_mean)})",
         back.mean <= 2 * back.ref_mean and back.mean < fresh.ref_mean),
    ]
    body = (f"Task switching in line drawing through the loop (`loopdraw --switch-epochs {arcs_epochs} --epochs "
            f"{lines_epochs} {' '.join(SETTINGS)}`, docs/forward-model.md): {lines_epochs} epochs of lines with module 0, "
            f"{arcs_epochs} of arcs with a fresh module 1 (the readout learns on, as the reference's), then module 0 back. "
            "Test error (per-element MSE), mean ± SEM over seeds, p = paired t-test across seeds.\n\n"
            f"The reference: {REFERENCE}.\n\n{table}")
    summary = "; ".join(f"{label} {fmt(*m)}" for (_, label, _), m in zip(PHASES, means))
    return Outcome(body, fig, checks, f"{summary}; fresh against lines' module on the arcs p = {fmt_p(fresh.p)}")
