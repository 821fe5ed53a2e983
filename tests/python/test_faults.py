"""Faults a cluster delivers, against the executables: an output directory that cannot be written, a full disk
(a file-size limit), SIGTERM/SIGINT during a run and during a sweep, one run of a sweep diverging, and
impossible sizes. Each must end with a clear message naming the path or option, a non-zero exit, nothing
half-written under the final name and nothing that was there before lost."""
import os
import resource
import signal
import subprocess
import time

import h5py
import pytest

FAST = ["--epochs", "2", "--train-size", "100", "--val-size", "20", "--test-repeats", "1", "--quiet"]
SLOW = ["--epochs", "400", "--train-size", "200", "--val-size", "20", "--test-repeats", "1"]


def run(exe, *args, **kwargs):
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=300, **kwargs)


def leftovers(directory):
    """Temporary files an atomic output would leave behind (<name>.tmp.<pid>)."""
    return sorted(p.name for p in directory.rglob("*") if ".tmp" in p.name)


def test_output_directory_missing_is_created(linedraw, tmp_path):
    out = tmp_path / "new" / "deeper" / "r.h5"
    r = run(linedraw, *FAST, "--seeds", "1", "--model", "crnn", "--out", out)
    assert r.returncode == 0, r.stderr
    assert out.exists()


def test_output_directory_unwritable(linedraw, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    out = blocker / "r.h5"  # its "directory" is a regular file: unwritable for root too
    r = run(linedraw, *FAST, "--seeds", "1", "--model", "crnn", "--out", out)
    assert r.returncode != 0
    assert str(out) in r.stderr or str(blocker) in r.stderr, r.stderr
    assert blocker.read_text() == "not a directory"
    if os.geteuid() != 0:  # permissions do not stop root
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        r = run(linedraw, *FAST, "--seeds", "1", "--model", "crnn", "--out", locked / "r.h5")
        locked.chmod(0o700)
        assert r.returncode != 0 and str(locked) in r.stderr, r.stderr
        assert list(locked.iterdir()) == []


def limit_file_size(limit_bytes):
    """For subprocess preexec_fn: a full disk, as a file-size limit (writes past it fail with EFBIG)."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


def test_disk_full_keeps_the_previous_result(linedraw, tmp_path):
    out = tmp_path / "r.h5"
    first = run(linedraw, *FAST, "--seeds", "1", "--model", "crnn", "--out", out)
    assert first.returncode == 0, first.stderr
    before = out.read_bytes()
    r = run(linedraw, *FAST, "--seeds", "2", "--model", "crnn", "--overwrite", "--out", out,
            preexec_fn=limit_file_size(4096))
    assert r.returncode == 1, r.stderr
    # the final file is named (not only its temporary file), with what happened to it
    assert f"{out} was not written" in r.stderr and "its earlier content is kept" in r.stderr, r.stderr
    assert out.read_bytes() == before, "the earlier result was damaged"
    assert leftovers(tmp_path) == []


def test_disk_full_in_a_sweep_loses_no_finished_run(sweep, tmp_path):
    out = tmp_path / "s.h5"
    args = ["--task", "linedraw", "--grid", "T=1,2", "--seeds", "1", *FAST, "--threads", "1", "--out", out]
    r = run(sweep, *args, preexec_fn=limit_file_size(4096))
    assert r.returncode == 1, r.stderr
    assert not out.exists()
    assert "s.h5.parts" in r.stderr, r.stderr  # says where the finished runs are kept
    resumed = run(sweep, *args)
    assert resumed.returncode == 0, resumed.stderr
    with h5py.File(out, "r") as f:
        assert len(f["runs"]) == 4


def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_a_run_exits_cleanly(linedraw, tmp_path, sig):
    out = tmp_path / "r.h5"
    proc = subprocess.Popen([str(linedraw), *SLOW, "--seeds", "1", "--model", "crnn", "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # well inside the 400 epochs
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert f"interrupted by {sig.name}" in err and str(out) in err, err
    assert not out.exists() and leftovers(tmp_path) == []


def test_sigterm_during_a_sweep_keeps_finished_runs_and_resumes(sweep, tmp_path):
    out = tmp_path / "s.h5"
    parts = tmp_path / "s.h5.parts"
    args = ["--task", "linedraw", "--grid", "T=1,2", "--seeds", "3", "--epochs", "30", "--train-size", "200",
            "--val-size", "20", "--test-repeats", "1", "--threads", "1", "--out", str(out)]
    proc = subprocess.Popen([str(sweep), *args, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: len(list(parts.glob("run_*.h5"))) >= 2, 120), "no run finished in time"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted by SIGTERM" in err and "resume" in err, err
    finished = sorted(p.name for p in parts.glob("run_*.h5"))
    assert 2 <= len(finished) < 12 and not out.exists()
    assert leftovers(parts) == []
    resumed = run(sweep, *args)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(finished)} finished earlier" in resumed.stderr
    with h5py.File(out, "r") as f:
        assert len(f["runs"]) == 12


def test_sweep_records_a_diverging_run_and_finishes_the_others(sweep, report, tmp_path):
    out = tmp_path / "d.h5"
    r = run(sweep, "--task", "linedraw", "--grid", "lr=0.01,1e30", "--grid", "model=crnn", "--seeds", "2", *FAST,
            "--optimizer", "sgd", "--clip", "0", "--threads", "1", "--out", out)
    assert r.returncode == 1, r.stderr
    assert "2 of 4 runs FAILED" in r.stderr, r.stderr
    with h5py.File(out, "r") as f:
        runs = {name: dict(g.attrs) for name, g in f["runs"].items()}
        finished = [name for name, a in runs.items() if "failed" not in a]
        failed = [name for name, a in runs.items() if "failed" in a]
        assert len(finished) == 2 and len(failed) == 2
        assert all(runs[n]["lr"] == 1e30 and "diverged" in runs[n]["failed"] for n in failed)
        assert all("train_error" in f["runs"][n] for n in finished)
    shown = run(report, out)
    assert shown.returncode == 0, shown.stderr
    assert "FAILED runs" in shown.stdout and shown.stdout.count("diverged") == 2, shown.stdout


@pytest.mark.parametrize("args,fragment", [
    (["--hidden", "1000000000"], "--hidden 1000000000"),
    (["--hidden", "100000", "--model", "crnn"], "more than this machine's memory"),
    (["--cerebellum-hidden", "2000000000", "--model", "ccrnn"], "--cerebellum-hidden 2000000000"),
    (["--batch", "1000", "--train-size", "100"], "--batch"),
    (["--seeds", "1-100000000000"], "--seeds"),
])
def test_impossible_sizes_are_refused_before_allocating(linedraw, tmp_path, args, fragment):
    out = tmp_path / "r.h5"
    # 2 GB of address space: an attempt to allocate the model would fail, not pass unnoticed
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    r = run(linedraw, "--epochs", "1", "--quiet", "--out", out, *args, preexec_fn=limit_memory)
    assert r.returncode == 2, r.stderr
    assert fragment in r.stderr, r.stderr
    assert "bad_alloc" not in r.stderr and not out.exists()


def huge_declared_dataset(group, name, shape, dtype="f4"):
    """A dataset declaring far more values than the file holds (chunked, never written): a few KB on disk."""
    group.create_dataset(name, shape=shape, dtype=dtype, chunks=tuple(1 for _ in shape))


def test_trials_file_declaring_terabytes_is_refused(train, tmp_path):
    path = tmp_path / "huge.h5"
    with h5py.File(path, "w") as f:
        huge_declared_dataset(f.create_group("train"), "inputs", (1 << 20, 1 << 20, 4))
    r = run(train, "--task", "trials", "--trials", path, "--epochs", "1", "--seeds", "1", "--out", tmp_path / "r.h5")
    assert r.returncode == 1, r.stderr
    assert str(path) in r.stderr and "/train/inputs" in r.stderr and "stores only" in r.stderr, r.stderr
    assert "bad_alloc" not in r.stderr
    with h5py.File(path, "w") as f:  # an element count that overflows 64 bits
        huge_declared_dataset(f.create_group("train"), "inputs", (1 << 32, 1 << 32, 2))
    r = run(train, "--task", "trials", "--trials", path, "--epochs", "1", "--seeds", "1", "--out", tmp_path / "r.h5")
    assert r.returncode == 1 and "/train/inputs" in r.stderr, r.stderr


def test_report_of_a_file_declaring_terabytes_is_refused(report, tmp_path):
    path = tmp_path / "huge.h5"
    with h5py.File(path, "w") as f:
        g = f.create_group("crnn").create_group("seed_1")
        g.attrs["seed"] = 1
        huge_declared_dataset(g, "train_error", (1 << 40,), "f8")
    r = run(report, path)
    assert r.returncode == 1, r.stderr
    assert str(path) in r.stderr and "train_error" in r.stderr, r.stderr
