"""Behaviour of the ccrnn-linedraw executable: options, output file, determinism, failures."""
import subprocess

import h5py
import numpy as np
import pytest

FAST = ["--epochs", "2", "--train-size", "100", "--val-size", "20", "--test-repeats", "1", "--quiet"]


def run(exe, *args, cwd=None):
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_help_lists_every_option_with_its_default(linedraw):
    r = run(linedraw, "--help")
    assert r.returncode == 0
    for option, default in [("--model", "crnn,ccrnn"), ("--cell", "lstm"), ("--hidden", "50"),
                            ("--cerebellum-hidden", "400"), ("--cerebellum-layers", "2"), ("--T", "1"),
                            ("--feedback-interval", "2"), ("--epochs", "100"), ("--batch", "50"),
                            ("--train-size", "800"), ("--lr", "0.001"), ("--optimizer", "adam"), ("--clip", "1"),
                            ("--sg-scale", "0.1"), ("--seeds", "10"), ("--threads", "0"), ("--lesion-epoch", "0"),
                            ("--io-lesion-epoch", "0"), ("--fibres", "0"), ("--out", "results/linedraw.h5")]:
        line = next((l for l in r.stdout.splitlines() if l.strip().startswith(option + " ")), None)
        assert line is not None, f"{option} missing from --help"
        assert f"(={default})" in line, f"{option}: default {default} not shown in: {line}"
    assert "--overwrite" in r.stdout and "--config" in r.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--no-such-option"], "unrecognised option"),
    (["--model", "crnn", "--fibres", "4"], "no ccrnn"),
    (["--model", "crnn", "--cerebellum-context"], "no ccrnn"),
    (["--model", "rnn"], "unknown model"),
    (["--epochs", "3", "--lesion-epoch", "5"], "after the last epoch"),
    (["--T", "0"], "--T must be >= 1"),
    (["--cell", "lstm2"], "unknown cell type"),
    (["--seeds", "1,1"], "listed twice"),
    (["--seeds", "abc"], "not a positive integer"),
    (["--fibres", "101"], "exceeds the cortical state size"),
    (["--optimizer", "adagrad"], "unknown optimizer"),
    (["--batch", "100", "--train-size", "50"], "smaller than --batch"),
])
def test_bad_options_exit_2_with_a_message(linedraw, tmp_path, args, fragment):
    r = run(linedraw, *args, "--out", tmp_path / "x.h5")
    assert r.returncode == 2, r.stderr
    assert fragment in r.stderr
    assert not (tmp_path / "x.h5").exists()


def test_bad_config_file_exits_2(linedraw, tmp_path):
    cfg = tmp_path / "run.ini"
    cfg.write_text("epochs = 2\nbogus = 1\n")
    r = run(linedraw, "--config", cfg, "--out", tmp_path / "x.h5")
    assert r.returncode == 2 and "run.ini" in r.stderr
    r = run(linedraw, "--config", tmp_path / "missing.ini", "--out", tmp_path / "x.h5")
    assert r.returncode == 2 and "missing.ini" in r.stderr


@pytest.mark.parametrize("config, args", [
    ("%invalid_line%\n", []),               # the fuzzer's finding (tests/fuzz/regressions/config/), minimised
    ("epochs = 2\nhidden = %value%\n", []),
    ("epochs = 2\n", ["--hidden", "x%value%"]),
])
def test_option_parser_placeholders_are_refused_not_looped_on(linedraw, tmp_path, config, args):
    """Boost.Program_options looped forever building the error message of a text holding its own %placeholder%."""
    cfg = tmp_path / "run.ini"
    cfg.write_text(config)
    r = subprocess.run([str(linedraw), "--config", str(cfg), *args, "--out", str(tmp_path / "x.h5")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2, r.stderr
    assert "placeholder" in r.stderr and ("run.ini" in r.stderr or "argument" in r.stderr), r.stderr
    assert not (tmp_path / "x.h5").exists()


def test_existing_output_is_never_overwritten_without_flag(linedraw, tmp_path):
    out = tmp_path / "results.h5"
    out.write_bytes(b"precious")
    r = run(linedraw, *FAST, "--seeds", "1", "--out", out)
    assert r.returncode == 2 and "--overwrite" in r.stderr
    assert out.read_bytes() == b"precious"
    r = run(linedraw, *FAST, "--seeds", "1", "--out", out, "--overwrite")
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert "crnn" in f and "ccrnn" in f
    assert [p.name for p in tmp_path.iterdir()] == ["results.h5"]  # no temporary file left behind


def test_output_layout_and_config_file(linedraw, tmp_path):
    cfg = tmp_path / "run.ini"
    cfg.write_text("epochs = 3\nhidden = 20\nT = 2\n")
    out = tmp_path / "sub" / "r.h5"
    r = run(linedraw, "--config", cfg, "--hidden", "16", "--seeds", "2,5", "--train-size", "100", "--val-size", "20",
            "--test-repeats", "2", "--quiet", "--out", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["epochs"] == 3 and f.attrs["T"] == 2
        assert f.attrs["hidden"] == 16  # the command line wins over the config file
        assert f.attrs["ccrnn_version"]
        assert f.attrs["float_products"] in ("packed AVX-512", "Eigen")
        assert f["targets"].shape == (7, 10, 2) and list(f["cues"][:]) == [-3, -2, -1, 0, 1, 2, 3]
        np.testing.assert_allclose(f["targets"][6, -1], [0.0, 10.0], atol=1e-12)   # cue 3 -> straight up
        np.testing.assert_allclose(f["targets"][3], 0.0)                              # cue 0 stays put
        for model in ("crnn", "ccrnn"):
            assert sorted(f[model]) == ["seed_2", "seed_5"]
            g = f[model]["seed_5"]
            assert g["train_error"].shape == (3,) and g["val_error"].shape == (3,)
            assert g["trajectories"].shape == (7, 10, 2)
            for key in ("test_error", "dysmetria", "endpoint_error", "stationary_path_length", "final_train_error"):
                assert np.isfinite(g.attrs[key])
            assert g.attrs["final_train_error"] == g["train_error"][-1]
    assert "paired t-test" in r.stdout


def read_curves(path):
    with h5py.File(path, "r") as f:
        return {f"{m}/{s}": (f[m][s]["train_error"][:], f[m][s]["val_error"][:], f[m][s]["trajectories"][:])
                for m in f if m in ("crnn", "ccrnn") for s in f[m]}


def test_same_seed_same_result_whatever_the_threads(linedraw, tmp_path):
    base = [*FAST, "--cerebellum-hidden", "64"]
    run1 = run(linedraw, *base, "--seeds", "3", "--threads", "1", "--out", tmp_path / "t1.h5")
    run2 = run(linedraw, *base, "--seeds", "3", "--threads", "2", "--out", tmp_path / "t2.h5")
    alone = run(linedraw, *base, "--seeds", "2", "--threads", "1", "--out", tmp_path / "alone.h5")
    assert run1.returncode == run2.returncode == alone.returncode == 0
    a, b, c = read_curves(tmp_path / "t1.h5"), read_curves(tmp_path / "t2.h5"), read_curves(tmp_path / "alone.h5")
    assert a.keys() == b.keys()
    for key in a:
        for x, y in zip(a[key], b[key]):
            assert np.array_equal(x, y), f"{key} differs between 1 and 2 threads"
    for key in c:  # seed 2 run on its own equals seed 2 run among others in parallel
        for x, y in zip(a[key], c[key]):
            assert np.array_equal(x, y), f"{key} differs between a parallel and a lone run"


def test_divergence_fails_cleanly(linedraw, tmp_path):
    out = tmp_path / "div.h5"
    r = run(linedraw, *FAST, "--model", "crnn", "--seeds", "1", "--optimizer", "sgd", "--lr", "1e30", "--clip", "0",
            "--out", out)
    assert r.returncode == 1
    assert "diverged" in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cerebellar_context_option(linedraw, tmp_path):
    out = tmp_path / "ctx.h5"
    r = run(linedraw, *FAST, "--model", "ccrnn", "--cerebellum-context", "--seeds", "1", "--out", out)
    assert r.returncode == 0, r.stderr
    plain = run(linedraw, *FAST, "--model", "ccrnn", "--seeds", "1", "--out", tmp_path / "plain.h5")
    assert plain.returncode == 0, plain.stderr
    with h5py.File(out, "r") as f, h5py.File(tmp_path / "plain.h5", "r") as g:
        assert f.attrs["cerebellum_context"] == 1 and g.attrs["cerebellum_context"] == 0
        # the context changes the cerebellum's input, hence its (learned) predictions and the run
        assert not np.array_equal(f["ccrnn/seed_1/val_error"][:], g["ccrnn/seed_1/val_error"][:])
