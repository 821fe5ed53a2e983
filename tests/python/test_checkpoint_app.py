"""Checkpoints and exact resume from the command line (docs/checkpoints.md): a real process killed with SIGKILL
(or stopped by SIGTERM/SIGINT) and started again with the same command ends with a results file that equals an
uninterrupted run's item by item; a sweep resumes a half-done run from its checkpoint; checkpoints of another run
or damaged ones are refused."""
import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

# Epochs of a few tens of milliseconds, so that a kill lands mid-run.
LINE = ["--seeds", "2", "--epochs", "10", "--train-size", "600", "--val-size", "20", "--test-repeats", "1",
        "--threads", "2"]
WALL_CLOCK = {"created", "seconds"}


def run(*args, cwd, timeout=300):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def items(path):
    """{object path or path@attribute: value} of a whole HDF5 file, without the wall-clock attributes."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for key, value in obj.attrs.items():
                if key not in WALL_CLOCK:
                    out[f"{name}@{key}"] = np.asarray(value)
            if isinstance(obj, h5py.Dataset):
                out[name] = np.asarray(obj[()])
        visit("/", f)
        f.visititems(visit)
    return out


def assert_same_file(a, b):
    ia, ib = items(a), items(b)
    assert ia.keys() == ib.keys()
    for key in ia:
        x, y = ia[key], ib[key]
        assert x.dtype == y.dtype and x.shape == y.shape, key
        assert x.tobytes() == y.tobytes() if x.dtype.kind not in "OSU" else np.array_equal(x, y), key  # bit for bit


def wait_for(predicate, proc, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        assert proc.poll() is None, "the run ended before the moment to interrupt it"
        time.sleep(0.05)
    pytest.fail("timed out")


def checkpoint_epochs(directory):
    return {p.name: int(h5py.File(p, "r").attrs["epoch"]) for p in sorted(directory.glob("*.h5"))}


def test_kill_9_then_the_same_command_gives_the_uninterrupted_file(linedraw, tmp_path):
    plain, killed = tmp_path / "plain", tmp_path / "killed"
    plain.mkdir(), killed.mkdir()
    command = [linedraw, *LINE, "--checkpoint-every", "1", "--out", "r.h5", "--quiet"]
    assert run(*command, cwd=plain).returncode == 0
    proc = subprocess.Popen([str(a) for a in command], cwd=killed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    directory = killed / "r.checkpoint"
    wait_for(lambda: len(list(directory.glob("*.h5"))) >= 2, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (killed / "r.h5").exists()
    before = checkpoint_epochs(directory)
    assert before and all(1 <= e < 10 for e in before.values()), before  # really mid-run
    r = run(*command, cwd=killed)
    assert r.returncode == 0, r.stderr
    assert_same_file(plain / "r.h5", killed / "r.h5")
    assert not directory.exists()  # removed once the results file is written


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_write_a_checkpoint_and_exit_non_zero(linedraw, tmp_path, sig):
    plain, stopped = tmp_path / "plain", tmp_path / "stopped"
    plain.mkdir(), stopped.mkdir()
    # No periodic checkpoint before the last epoch: the one found after the signal is the signal's.
    command = [linedraw, "--model", "ccrnn", "--seeds", "1", "--epochs", "120", "--train-size", "200", "--val-size", "5",
               "--test-repeats", "1", "--checkpoint-every", "1000", "--out", "r.h5"]
    assert run(*command, cwd=plain).returncode == 0
    proc = subprocess.Popen([str(a) for a in command], cwd=stopped, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    assert proc.poll() is None
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, err
    assert "run the same command again to resume" in err
    epochs = checkpoint_epochs(stopped / "r.checkpoint")
    assert list(epochs) == ["ccrnn.seed1.h5"] and 1 <= epochs["ccrnn.seed1.h5"] < 120
    r = run(*command, cwd=stopped)
    assert r.returncode == 0, r.stderr
    assert f"resuming after epoch {epochs['ccrnn.seed1.h5']}" in r.stderr
    assert_same_file(plain / "r.h5", stopped / "r.h5")


def test_a_sweep_resumes_a_half_done_run_from_its_checkpoint(sweep, tmp_path):
    plain, killed = tmp_path / "plain", tmp_path / "killed"
    plain.mkdir(), killed.mkdir()
    command = [sweep, "--task", "linedraw", "--grid", "T=1,2", "--seeds", "1", "--epochs", "10", "--train-size", "1000",
               "--val-size", "20", "--test-repeats", "1", "--threads", "2", "--checkpoint-every", "1", "--out", "s.h5"]
    assert run(*command, "--quiet", cwd=plain).returncode == 0
    proc = subprocess.Popen([str(a) for a in command], cwd=killed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = killed / "s.h5.parts"
    wait_for(lambda: any(parts.glob("*.checkpoint.h5")), proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    half_done = {p.name: int(h5py.File(p, "r").attrs["epoch"]) for p in parts.glob("*.checkpoint.h5")}
    assert half_done
    r = run(*command, cwd=killed)
    assert r.returncode == 0, r.stderr
    for name, epoch in half_done.items():
        run_number = int(name[len("run_"):len("run_") + 5]) + 1
        assert f"run {run_number}/4: resuming after epoch {epoch} from" in r.stderr
    assert_same_file(plain / "s.h5", killed / "s.h5")
    assert not parts.exists()


def test_checkpoints_of_another_run_or_damaged_ones_are_refused_until_restart(linedraw, tmp_path):
    base = [linedraw, "--model", "ccrnn", "--seeds", "1", "--epochs", "2", "--train-size", "100", "--val-size", "5",
            "--test-repeats", "1", "--checkpoint-every", "1", "--keep-checkpoints", "--out", "r.h5", "--quiet"]
    assert run(*base, cwd=tmp_path).returncode == 0
    checkpoint = tmp_path / "r.checkpoint" / "ccrnn.seed1.h5"
    assert checkpoint.exists()  # kept

    r = run(*base, "--overwrite", "--T", "2", cwd=tmp_path)
    assert r.returncode == 1
    assert str(checkpoint.relative_to(tmp_path)) in r.stderr and "setting T = 1 in the checkpoint, 2 now" in r.stderr
    assert not (tmp_path / "r.h5.tmp").exists()

    with h5py.File(checkpoint, "r+") as f:  # one weight changed in place: the checksum no longer matches
        weights = f["state/parameters/cortex.weight_hh_l0"]
        weights[0, 0] = weights[0, 0] + 1.0
    r = run(*base, "--overwrite", cwd=tmp_path)
    assert r.returncode == 1 and "corrupt checkpoint" in r.stderr and "--restart" in r.stderr

    r = run(*base, "--overwrite", "--restart", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_more_epochs_continue_a_kept_checkpoint(linedraw, tmp_path):
    common = [linedraw, "--model", "ccrnn", "--seeds", "1", "--train-size", "100", "--val-size", "5", "--test-repeats", "1",
              "--quiet"]
    assert run(*common, "--epochs", "4", "--out", "full.h5", cwd=tmp_path).returncode == 0
    first = [*common, "--checkpoint-every", "1", "--keep-checkpoints", "--checkpoint-dir", "ck"]
    assert run(*first, "--epochs", "2", "--out", "short.h5", cwd=tmp_path).returncode == 0
    r = run(*first, "--epochs", "4", "--out", "long.h5", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "full.h5", "r") as a, h5py.File(tmp_path / "long.h5", "r") as b:
        for name in ("train_error", "val_error"):
            assert a[f"ccrnn/seed_1/{name}"][()].tobytes() == b[f"ccrnn/seed_1/{name}"][()].tobytes()
        assert a["ccrnn/seed_1"].attrs["test_error"] == b["ccrnn/seed_1"].attrs["test_error"]


def test_python_run_resumes_from_a_checkpoint(tmp_path):
    ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built")
    small = dict(train_size=100, val_size=5, test_repeats=1, hidden=10, cerebellum_hidden=20)
    full = ccrnn.run("linedraw", seed=2, epochs=4, **small)
    path = str(tmp_path / "run.h5")
    ccrnn.run("linedraw", seed=2, epochs=2, checkpoint=path, checkpoint_every=1, **small)
    seen = []
    resumed = ccrnn.run("linedraw", seed=2, epochs=4, checkpoint=path, callback=lambda epoch, values: seen.append(epoch),
                        **small)
    assert seen == [3, 4]
    for name in ("train_error", "val_error"):
        assert np.asarray(resumed["curves"][name]).tobytes() == np.asarray(full["curves"][name]).tobytes()
    with pytest.raises(RuntimeError, match="seed 2 in the checkpoint, 3 now"):
        ccrnn.run("linedraw", seed=3, epochs=4, checkpoint=path, **small)
