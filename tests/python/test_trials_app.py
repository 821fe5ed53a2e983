"""ccrnn-train --task trials end to end: a built-in task exported as a trials file (--export-trials) trains bit
for bit like the built-in task; bad trials files are refused with the file and the problem named, exit 1,
and nothing written; ccrnn-train's own usage."""
import subprocess

import h5py
import numpy as np
import pytest


def run(*args, timeout=600):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)


DATA = ["--target", "class", "--procedural-train", "600", "--procedural-test", "100"]
MODEL = ["--hidden", "30", "--cerebellum-hidden", "300", "--cerebellum-layers", "1", "--T", "3", "--lr", "1e-4"]


def test_exported_seqmnist_trains_through_trials_bit_for_bit(seqmnist, train, tmp_path):
    trials = tmp_path / "class.h5"
    r = run(seqmnist, *DATA, "--export-trials", trials)
    assert r.returncode == 0, r.stderr
    with h5py.File(trials, "r") as f:
        assert f["train/inputs"].shape == (28, 480, 28) and f["train/labels"].shape == (28, 480)
        assert f.attrs["classes"] == 10 and f["validation/mask"][()].sum() == 120  # the last step only
    builtin, mine = tmp_path / "builtin.h5", tmp_path / "trials.h5"
    r = run(seqmnist, *DATA, "--epochs", "2", "--seeds", "2", "--quiet", "--out", builtin)
    assert r.returncode == 0, r.stderr
    r = run(train, "--task", "trials", "--trials", trials, *MODEL, "--epochs", "2", "--seeds", "2", "--quiet", "--out", mine)
    assert r.returncode == 0, r.stderr
    with h5py.File(builtin, "r") as a, h5py.File(mine, "r") as b:
        assert b.attrs["task"] == "trials" and b.attrs["trials"] == str(trials)
        for model in ("crnn", "ccrnn"):
            for seed in ("seed_1", "seed_2"):
                ga, gb = a[model][seed], b[model][seed]
                for curve in ("train_error", "val_error", "val_accuracy"):
                    assert np.array_equal(ga[curve][()], gb[curve][()]), (model, seed, curve)
                for scalar in ("test_error", "test_accuracy", "final_train_error"):
                    assert ga.attrs[scalar] == gb.attrs[scalar]


def test_a_task_without_a_fixed_data_set_refuses_to_export(linedraw, tmp_path):
    r = run(linedraw, "--export-trials", tmp_path / "x.h5")
    assert r.returncode == 1 and "no fixed data set" in r.stderr
    assert not (tmp_path / "x.h5").exists()


def write(path, **groups):
    with h5py.File(path, "w") as f:
        for name, arrays in groups.items():
            if name == "attrs":
                f.attrs.update(arrays)
                continue
            for key, value in arrays.items():
                f[f"{name}/{key}"] = value


L, N = 6, 20
GOOD = dict(inputs=np.zeros((L, N, 3), np.float32), targets=np.ones((L, N, 2), np.float32))


@pytest.mark.parametrize("name, groups, problem", [
    ("no_train", dict(validation=GOOD), "'/train'"),
    ("no_inputs", dict(train=dict(targets=GOOD["targets"])), "inputs"),
    ("rank", dict(train=dict(inputs=np.zeros((L, N), np.float32), targets=GOOD["targets"])), "inputs"),
    ("shapes", dict(train=dict(inputs=GOOD["inputs"], targets=np.ones((L, N + 1, 2), np.float32))), "targets"),
    ("nan", dict(train=dict(inputs=np.full((L, N, 3), np.nan, np.float32), targets=GOOD["targets"])), "inputs"),
    ("labels", dict(train=dict(inputs=GOOD["inputs"], labels=np.full((L, N), 5)), attrs=dict(classes=3)), "labels"),
    ("mask", dict(train=dict(GOOD, mask=np.zeros((L, N), np.uint8))), "mask"),
])
def test_bad_trials_files_are_refused_naming_the_file_and_nothing_is_written(train, tmp_path, name, groups, problem):
    bad, out = tmp_path / f"{name}.h5", tmp_path / "out.h5"
    attrs = groups.pop("attrs", None)
    write(bad, **groups, **({"attrs": attrs} if attrs else {}))
    r = run(train, "--task", "trials", "--trials", bad, "--epochs", "1", "--seeds", "1", "--quiet", "--out", out)
    assert r.returncode == 1, r.stderr
    assert str(bad) in r.stderr and problem in r.stderr, r.stderr
    assert not out.exists()


def test_a_missing_trials_option_is_a_usage_error(train, tmp_path):
    r = run(train, "--task", "trials", "--out", tmp_path / "o.h5")
    assert r.returncode == 2 and "--trials FILE is required" in r.stderr


def test_ccrnn_train_usage(train):
    r = run(train)
    assert r.returncode == 2 and "--task is required" in r.stderr
    r = run(train, "--help")
    assert r.returncode == 0 and "linedraw seqmnist caption trials" in r.stdout
    r = run(train, "--task", "nope")
    assert r.returncode == 2 and "unknown task 'nope'" in r.stderr
    r = run(train, "--task", "trials", "--help")
    assert r.returncode == 0 and "--trials" in r.stdout and "docs/trials-format.md" in r.stdout


def test_help_shows_the_defaults_that_apply_to_each_task(linedraw, seqmnist, caption):
    def default(exe, option):
        for line in run(exe, "--help").stdout.splitlines():
            if line.strip().startswith(option + " "):
                return line.split("(=")[1].split(")")[0]
        return None
    assert default(linedraw, "--hidden") == "50" and default(seqmnist, "--hidden") == "30"
    assert default(caption, "--hidden") == "256" and default(caption, "--T") == "4"
    assert default(caption, "--beta2") == "0.999" and default(linedraw, "--beta2") == "0.98"
    # captioning always steps per window and records nothing: neither is offered as an option
    assert "--step-per-window" not in run(caption, "--help").stdout
    assert "--step-per-window" in run(linedraw, "--help").stdout


def test_config_files_take_the_names_of_results_files_and_python_too(linedraw, tmp_path):
    cfg, out = tmp_path / "run.ini", tmp_path / "o.h5"
    cfg.write_text("# the same names as ccrnn.run's keywords and the results' attributes\n"
                   "cerebellum_hidden = 64\nfeedback-interval = 1\nepochs = 2\ntrain_size = 100\n")
    r = run(linedraw, "--config", cfg, "--seeds", "1", "--quiet", "--out", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["cerebellum_hidden"] == 64 and f.attrs["feedback_interval"] == 1
        assert f.attrs["epochs"] == 2 and f.attrs["train_size"] == 100
