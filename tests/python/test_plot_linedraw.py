"""Tests for scripts/plot_linedraw.py: runs it on a small fake ccrnn-linedraw results file."""

import pathlib
import subprocess

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")

PYTHON = "/usr/bin/python3"
SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "plot_linedraw.py"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_fake_results(path, models=("crnn", "ccrnn"), seeds=3, epochs=12, length=10):
    """A results file with the layout ccrnn-linedraw writes, filled with random curves."""
    rng = np.random.default_rng(1234)
    cues = np.arange(-3, 4, dtype=float)
    targets = np.zeros((7, length, 2))
    s = np.linspace(0.0, 1.0, length)
    moving = [c for c in cues if c != 0]
    for i, c in enumerate(cues):
        if c == 0:
            continue
        angle = np.deg2rad(60.0 * moving.index(c))
        targets[i, :, 0] = 10 * s * np.cos(angle)
        targets[i, :, 1] = 10 * s * np.sin(angle)
    with h5py.File(path, "w") as f:
        f.attrs["ccrnn_version"] = "0.1.0"
        f.attrs["epochs"] = epochs
        f.attrs["T"] = 5
        f.attrs["feedback_interval"] = 2
        f["targets"] = targets
        f["cues"] = cues
        for model in models:
            for k in range(1, seeds + 1):
                g = f.create_group(f"{model}/seed_{k}")
                train = 20 * np.exp(-np.arange(epochs) / 4.0) + rng.random(epochs)
                g["train_error"] = train
                g["val_error"] = train + 0.1 * rng.random(epochs)
                g["trajectories"] = targets + rng.normal(scale=0.5, size=targets.shape)
                g.attrs["seed"] = k
                for name in ("test_error", "dysmetria", "stationary_path_length", "endpoint_error"):
                    g.attrs[name] = rng.random()
                g.attrs["final_train_error"] = train[-1]
    return path


def run(*args):
    return subprocess.run([PYTHON, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=300)


def assert_png(path):
    assert path.is_file(), f"{path} was not written"
    with open(path, "rb") as fh:
        assert fh.read(8) == PNG_MAGIC


def test_writes_png_next_to_input(tmp_path):
    results = write_fake_results(tmp_path / "linedraw.h5")
    proc = run(results)
    assert proc.returncode == 0, proc.stderr
    assert_png(tmp_path / "linedraw.png")
    # Only the PNG is left behind: the temporary file was renamed, not copied.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linedraw.h5", "linedraw.png"]


@pytest.mark.parametrize("models", [("crnn",), ("ccrnn",)])
def test_single_model_and_out_option(tmp_path, models):
    results = write_fake_results(tmp_path / "r.h5", models=models, seeds=1)
    out = tmp_path / "figure.png"
    proc = run(results, "--out", out, "--dpi", 60)
    assert proc.returncode == 0, proc.stderr
    assert_png(out)


def test_missing_file_fails_with_its_name(tmp_path):
    missing = tmp_path / "does_not_exist.h5"
    proc = run(missing)
    assert proc.returncode != 0
    assert str(missing) in proc.stderr
    assert not (tmp_path / "does_not_exist.png").exists()


def test_missing_dataset_fails_with_its_name(tmp_path):
    results = write_fake_results(tmp_path / "broken.h5")
    with h5py.File(results, "a") as f:
        del f["ccrnn/seed_2/trajectories"]
    proc = run(results)
    assert proc.returncode != 0
    assert "broken.h5" in proc.stderr
    assert "trajectories" in proc.stderr
    assert not (tmp_path / "broken.png").exists()
