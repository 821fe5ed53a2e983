"""scripts/ccrnn-reproduce: every claim end to end at --quick size, its outputs, resumption, bad options,
and the statistics its tables print."""
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ccrnn-reproduce"
CLAIMS = ["linedraw", "seqmnist", "caption", "lesions", "cerebellum-architecture", "alignment", "loop-drawing",
          "loop-evidence", "loop-digits", "loop-association", "loop-switching", "loop-consolidation"]


def reproduce(build_dir, *args):
    env = dict(os.environ, CCRNN_BUILD_DIR=str(build_dir))
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def quick(build_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce")
    result = reproduce(build_dir, "all", "--quick", "--threads", "2", "--out", str(out))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out, result


@pytest.mark.parametrize("claim", CLAIMS)
def test_every_claim_writes_its_table_and_figure(quick, claim):
    out, _ = quick
    md, png = out / claim / f"{claim}.md", out / claim / f"{claim}.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000  # a drawn figure, not an empty canvas
    text = md.read_text()
    assert f"![{claim}]({claim}.png)" in text
    assert "| " in text and "|---|" in text  # a Markdown table
    assert "## The paper's claim against our numbers" in text
    assert ("- holds: " in text) or ("- does not hold: " in text)
    assert "- command: `scripts/ccrnn-reproduce all --quick" in text
    assert "- float_products: " in text and "- ccrnn commit: " in text
    assert not list((out / claim).glob(".*.tmp*"))  # no temporary files left behind


def test_seqmnist_covers_every_target_and_the_bptt_bound(quick):
    text = (quick[0] / "seqmnist" / "seqmnist.md").read_text()
    for target in ("line", "digit", "class"):
        assert f"### Target: {target}" in text
    assert text.count("| full BPTT |") == 3


def test_switching_shows_every_phase(quick):
    text = (quick[0] / "loop-switching" / "loop-switching.md").read_text()
    for phase in ("| lines, module 0 (before the switch) |", "| arcs with the lines' module 0 |",
                  "| arcs with the fresh module 1 |", "| lines after switching back to module 0 |"):
        assert phase in text
    assert "--switch-epochs 1 --epochs 2" in text


def test_consolidation_shows_both_rules_before_and_after(quick):
    text = (quick[0] / "loop-consolidation" / "loop-consolidation.md").read_text()
    sections = text.split("### ")
    assert [s.split("\n")[0] for s in sections[1:]] == ["delayed association", "line drawing"]
    for section in sections[1:]:
        for rule in ("least squares", "local rule"):
            assert f"| {rule} | cerebellum ablated |" in section and f"| {rule} | intact |" in section
            assert f"| {rule} | 3 |" in section  # the last of the --quick run's 3 sessions


def fake_run(seed, **items):
    """A run as load_runs gives it: scalars as items, 1-D arrays as curves."""
    curves = {k: np.asarray(v, dtype=float) for k, v in items.items() if isinstance(v, list)}
    return {"seed": seed, "model": "ccrnn", "curves": curves, **{k: v for k, v in items.items() if k not in curves}}


def test_switching_analysis_numbers(build_dir):
    sys.path[:0] = [str(build_dir / "bindings"), str(ROOT / "scripts")]
    from reproduce import switching_claim
    runs = [fake_run(s, epochs=3, switch_epochs=1, lines_test_error_before_switch=0.002 * s, arcs_test_error_module0=0.05,
                     arcs_test_error=0.01 + 0.001 * s * s, arcs_ablated_test_error=0.2, test_error=0.003 * s,
                     val_error=[0.1, 0.01, 0.002, 0.05]) for s in (1, 2, 3)]
    outcome = switching_claim.analysis({"switching": runs}, None)
    # lines before: 0.002, 0.004, 0.006: mean 0.004, SEM 0.002 / sqrt 3 = 0.0012; after: 0.003, 0.006, 0.009.
    assert "| lines, module 0 (before the switch) | 0.004 ± 0.0012 |" in outcome.body
    assert "| lines after switching back to module 0 | 0.006 ± 0.0017 |" in outcome.body
    # arcs with module 1: 0.011, 0.014, 0.019 against 0.05 each: differences -0.039, -0.036, -0.031.
    d = np.array([-0.039, -0.036, -0.031])
    t = d.mean() / (d.std(ddof=1) / math.sqrt(3))
    p = 1 - abs(t) / math.sqrt(t * t + 2)
    assert f"| arcs with the fresh module 1 | 0.0147 ± 0.0023 | {p:.2g} (against arcs with module 0)" in outcome.body
    assert [ok for _, ok in outcome.checks] == [True, True]  # 0.006 <= 2 x 0.004 and below 0.05


def test_consolidation_analysis_numbers(build_dir):
    sys.path[:0] = [str(build_dir / "bindings"), str(ROOT / "scripts")]
    from reproduce import consolidation_claim
    runs = [fake_run(s, sleep_rule=rule, sleep_ablated_error=[0.16, 0.1, after], sleep_error=[0.01, 0.02, 0.05],
                     sleep_cosine=[0.5, 0.9])
            for rule, after in (("least_squares", 0.02), ("local", 0.15)) for s in (1, 2)]
    outcome = consolidation_claim.analysis({"rules": runs}, None)
    assert "| least squares | cerebellum ablated | 0.16 ± 0 | 0.02 ± 0 |" in outcome.body
    assert "| local rule | intact | 0.01 ± 0 | 0.05 ± 0 |" in outcome.body
    assert "| local rule | 1 | 0.1 ± 0 | 0.02 ± 0 | 0.5 ± 0 |" in outcome.body
    # least squares: ends near the intact error (0.02 against 0.01); local: stays near 0.15; both intact models
    # end at 5x their error before.
    assert [ok for _, ok in outcome.checks][1::3] == [True, False]
    assert [ok for _, ok in outcome.checks][2::3] == [False, False]


def test_consolidation_association_shows_accuracy(build_dir):
    sys.path[:0] = [str(build_dir / "bindings"), str(ROOT / "scripts")]
    from reproduce import consolidation_claim
    # errors as recorded (1 - accuracy): ablated 0.5 -> 0.2 / 0.45, intact 0.0 -> 0.05 / 0.2.
    runs = [fake_run(s, sleep_rule=rule, sleep_ablated_error=[0.5, 0.4, after], sleep_error=[0.0, 0.02, intact],
                     sleep_cosine=[0.5, 0.9], sleep_fit_residual=[0.25, 0.75])
            for rule, after, intact in (("least_squares", 0.2, 0.05), ("local", 0.45, 0.2)) for s in (1, 2)]
    outcome = consolidation_claim.analysis({"association": runs}, None)
    assert "### delayed association" in outcome.body and "### line drawing" not in outcome.body
    assert "| least squares | cerebellum ablated | 0.5 ± 0 | 0.8 ± 0 |" in outcome.body
    assert "| local rule | intact | 1 ± 0 | 0.8 ± 0 |" in outcome.body
    assert "| least squares | 2 | 0.8 ± 0 | 0.95 ± 0 | 0.9 ± 0 | 0.75 ± 0 |" in outcome.body
    # least squares: 0.8 is nearer the intact 1.0 than the ablated 0.5, intact 0.95 within 0.1 of 1.0;
    # local: 0.55 stays near 0.5, intact 0.8 drops by more than 0.1.
    assert [ok for _, ok in outcome.checks][1::3] == [True, False]
    assert [ok for _, ok in outcome.checks][2::3] == [True, False]


def test_a_second_run_reuses_every_finished_sweep(quick, build_dir):
    out, _ = quick
    result = reproduce(build_dir, "lesions", "--quick", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("done before, reusing") == 2
    assert "ccrnn-sweep 0.1" not in result.stdout  # nothing was run again


def test_other_seeds_do_not_reuse_results(quick, build_dir):
    result = reproduce(build_dir, "linedraw", "--quick", "--seeds", "3", "--dry-run", "--out", str(quick[0]))
    assert result.returncode == 0, result.stderr
    assert "reusing" not in result.stdout and "--seeds 3" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["nonsense"], "unknown claim(s) nonsense"),
    (["linedraw", "--seeds", "1"], "--seeds must be at least 2"),
    (["linedraw", "--epochs", "0"], "--epochs must be at least 1"),
])
def test_bad_options_are_refused(build_dir, tmp_path, args, message):
    result = reproduce(build_dir, *args, "--out", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    assert not any(tmp_path.iterdir())


def test_a_failing_sweep_stops_with_its_name(build_dir, tmp_path):
    # A build directory without ccrnn-sweep: the message names what is missing.
    fake = tmp_path / "build"
    (fake / "bindings").mkdir(parents=True)
    (fake / "bindings" / "ccrnn").symlink_to(build_dir / "bindings" / "ccrnn")
    result = reproduce(fake, "linedraw", "--quick", "--out", str(tmp_path / "out"))
    assert result.returncode != 0
    assert "ccrnn-sweep" in result.stderr and "not found" in result.stderr


def test_comparison_statistics(build_dir):
    sys.path[:0] = [str(build_dir / "bindings"), str(ROOT / "scripts")]
    from reproduce.results import Comparison, mean_sem
    # Differences 1, 2, 3: mean 2, SD 1, t = 2 / (1 / sqrt 3) = 3.4641 with 2 degrees of freedom; the
    # two-sided p of Student's t there is 1 - t / sqrt(t^2 + 2) = 0.074180 (closed form for dof 2).
    c = Comparison({1: 2.0, 2: 4.0, 3: 6.0}, {1: 1.0, 2: 2.0, 3: 3.0})
    t = 2 / (1 / math.sqrt(3))
    assert c.p == pytest.approx(1 - t / math.sqrt(t * t + 2), rel=1e-9)
    assert c.relative == pytest.approx(2.0)
    assert c.n == 3
    assert mean_sem([1.0, 2.0, 3.0]) == pytest.approx((2.0, 1 / math.sqrt(3)))
    # Only the seeds both ran are paired.
    assert Comparison({1: 1.0, 2: 2.0, 5: 9.0}, {1: 0.0, 2: 0.5}).n == 2
