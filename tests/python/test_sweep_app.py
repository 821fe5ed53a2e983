"""ccrnn-sweep and ccrnn-report: grids, MPI ranks, resume after kill -9, and the report's statistics."""
import os
import re
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

FAST = ["--epochs", "3", "--train-size", "100", "--val-size", "20", "--test-repeats", "1"]
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")


def run(*args, env=None, cwd=None, timeout=600):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def runs_of(path):
    """{run name: (attrs without timing/provenance, {dataset: array})}"""
    out = {}
    with h5py.File(path, "r") as f:
        for name, g in f["runs"].items():
            attrs = {k: v for k, v in g.attrs.items() if k not in ("seconds", "created", "rank")}
            data = {}
            g.visititems(lambda n, obj: data.__setitem__(n, obj[()]) if isinstance(obj, h5py.Dataset) else None)
            out[name] = (attrs, data)
    return out


def assert_same_runs(a, b):
    ra, rb = runs_of(a), runs_of(b)
    assert ra.keys() == rb.keys()
    for name in ra:
        attrs_a, data_a = ra[name]
        attrs_b, data_b = rb[name]
        assert attrs_a.keys() == attrs_b.keys(), name
        for k in attrs_a:
            assert np.array_equal(np.asarray(attrs_a[k]), np.asarray(attrs_b[k])), (name, k)
        assert data_a.keys() == data_b.keys(), name
        for k in data_a:
            assert np.array_equal(np.asarray(data_a[k]), np.asarray(data_b[k])), (name, k)  # bit for bit


def test_grid_layout_and_configuration(sweep, tmp_path):
    out = tmp_path / "s.h5"
    r = run(sweep, "--task", "linedraw", "--grid", "T=1,5", "--grid", "fibres=0,4", "--seeds", "2", *FAST,
            "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["task"] == "linedraw"
        runs = f["runs"]
        assert len(runs) == 2 * 2 * 2 * 2  # T x fibres x model x seeds
        seen = set()
        for g in runs.values():
            seen.add((int(g.attrs["T"]), int(g.attrs["fibres"]), g.attrs["model"], int(g.attrs["seed"])))
            assert g.attrs["condition"] == f"T={g.attrs['T']} fibres={g.attrs['fibres']}"
            assert int(g.attrs["epochs"]) == 3 and int(g.attrs["train_size"]) == 100
            assert g["train_error"].shape == (3,)
            assert g["trajectories"].shape == (7, 10, 2)
        assert len(seen) == 16
    assert not (tmp_path / "s.h5.parts").exists()  # merged and cleaned up
    assert "T=5 fibres=4" in r.stdout


def test_mpi_two_ranks_match_one_process(sweep, tmp_path):
    if shutil.which("mpirun") is None:
        pytest.fail("mpirun is missing: scripts/setup.sh installs openmpi-bin")
    args = ["--task", "linedraw", "--grid", "T=1,2", "--seeds", "3", *FAST, "--quiet"]
    local = run(sweep, *args, "--threads", "1", "--out", tmp_path / "local.h5")
    assert local.returncode == 0, local.stderr
    mpi = run("mpirun", "--oversubscribe", "-np", "2", sweep, *args, "--out", tmp_path / "mpi.h5", env=MPI_ENV)
    assert mpi.returncode == 0, mpi.stdout + mpi.stderr
    assert_same_runs(tmp_path / "local.h5", tmp_path / "mpi.h5")
    with h5py.File(tmp_path / "mpi.h5", "r") as f:
        ranks = {int(g.attrs["rank"]) for g in f["runs"].values()}
    assert ranks <= {0, 1}


def test_resume_after_kill_loses_nothing(sweep, tmp_path):
    args = ["--task", "linedraw", "--grid", "T=1,2", "--seeds", "4", "--epochs", "30", "--train-size", "200",
            "--val-size", "20", "--test-repeats", "1", "--threads", "1"]
    out = tmp_path / "r.h5"
    parts = tmp_path / "r.h5.parts"
    proc = subprocess.Popen([str(sweep), *args, "--quiet", "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(parts.glob("run_*.h5"))) < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = sorted(p.name for p in parts.glob("run_*.h5"))
    assert 3 <= len(finished) < 16, "the sweep finished too early or too late to test resuming"
    before = {}
    for name in finished:
        with h5py.File(parts / name, "r") as f:
            before[name] = f["train_error"][()]
    assert not out.exists()
    resumed = run(sweep, *args, "--out", out)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(finished)} finished earlier" in resumed.stderr
    with h5py.File(out, "r") as f:
        assert len(f["runs"]) == 16
        for name, curve in before.items():
            assert np.array_equal(f["runs"][name.replace(".h5", "")]["train_error"][()], curve)
    reference = run(sweep, *args, "--quiet", "--out", tmp_path / "ref.h5")
    assert reference.returncode == 0, reference.stderr
    assert_same_runs(out, tmp_path / "ref.h5")


def test_refusals_exit_2(sweep, tmp_path):
    out = tmp_path / "x.h5"
    cases = [
        (["--grid", "T=1,2"], "--task is required"),
        (["--task", "nosuch"], "unknown task"),
        (["--task", "linedraw", "--grid", "T"], "expected NAME=VALUE"),
        (["--task", "linedraw", "--grid", "bogus=1,2"], "no option --bogus"),
        (["--task", "linedraw", "--grid", "T=0,1"], "--T must be >= 1"),
        (["--task", "linedraw", "--grid", "T=1", "--grid", "T=2"], "given twice"),
        (["--task", "linedraw", "--no-such-option", "3"], "unrecognised option"),
        (["--task", "linedraw", "--model", "crnn"], "sweep option"),
    ]
    for args, fragment in cases:
        r = run(sweep, *args, "--out", out)
        assert r.returncode == 2, (args, r.stderr)
        assert fragment in r.stderr, (args, r.stderr)
    assert not out.exists()
    # A parts directory of a different sweep is never mixed in.
    first = run(sweep, "--task", "linedraw", "--seeds", "1", *FAST, "--out", out, "--dry-run")
    assert first.returncode == 0 and "run     1" in first.stdout
    (tmp_path / "y.h5.parts").mkdir()
    (tmp_path / "y.h5.parts" / "sweep.txt").write_text("task linedraw\nsomething else\n")
    r = run(sweep, "--task", "linedraw", "--seeds", "1", *FAST, "--out", tmp_path / "y.h5")
    assert r.returncode == 2 and "different sweep" in r.stderr
    # An existing result is refused.
    out.write_text("keep me")
    r = run(sweep, "--task", "linedraw", "--seeds", "1", *FAST, "--out", out)
    assert r.returncode == 2 and "exists" in r.stderr and out.read_text() == "keep me"


def test_report_statistics_match_numpy(sweep, report, tmp_path):
    out = tmp_path / "s.h5"
    r = run(sweep, "--task", "linedraw", "--grid", "T=1", "--seeds", "4", *FAST, "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    rep = run(report, out)
    assert rep.returncode == 0, rep.stderr
    with h5py.File(out, "r") as f:
        values = {m: np.array([g.attrs["final_train_error"] for g in sorted(f["runs"].values(), key=lambda g: g.attrs["seed"])
                               if g.attrs["model"] == m]) for m in ("crnn", "ccrnn")}
    for model, v in values.items():
        line = next(l for l in rep.stdout.splitlines() if l.strip().startswith(model + " "))
        mean, sem = map(float, re.findall(r"([-0-9.]+) \+- ([-0-9.]+)", line)[0])
        assert mean == pytest.approx(v.mean(), abs=1e-4)
        assert sem == pytest.approx(v.std(ddof=1) / np.sqrt(len(v)), abs=1e-4)
    d = values["ccrnn"] - values["crnn"]
    t = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
    relative = values["ccrnn"].mean() / values["crnn"].mean()
    m = re.search(r"relative ([-0-9.]+), mean difference \S+, t\((\d+)\) = ([-0-9.]+)", rep.stdout)
    assert m, rep.stdout
    assert float(m.group(1)) == pytest.approx(relative, abs=1e-3)
    assert int(m.group(2)) == 3
    assert float(m.group(3)) == pytest.approx(t, rel=1e-3, abs=1e-3)
    bad = run(report, tmp_path / "missing.h5")
    assert bad.returncode == 1 and "missing.h5" in bad.stderr


def test_config_file_gives_grid_and_fixed_options(sweep, tmp_path):
    cfg = tmp_path / "sweep.ini"
    cfg.write_text("task = linedraw\ngrid = T=1,2\ngrid = model=ccrnn\nset = epochs=2\nset = train-size=100\nseeds = 2\n")
    r = run(sweep, "--config", cfg, "--dry-run", "--out", tmp_path / "c.h5")
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stdout.splitlines() if l.startswith("run")]
    assert len(lines) == 4 and "T=2 model=ccrnn seed=2" in lines[-1]
    r = run(sweep, "--config", cfg, "--quiet", "--val-size", "10", "--test-repeats", "1", "--out", tmp_path / "c.h5")
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "c.h5", "r") as f:
        assert {int(g.attrs["epochs"]) for g in f["runs"].values()} == {2}
        assert {int(g.attrs["train_size"]) for g in f["runs"].values()} == {100}
