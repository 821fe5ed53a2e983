"""ccrnn-seqmnist and ccrnn-caption end to end: layouts, real-format data made by the export commands,
bad data and bad options."""
import json
import subprocess

import h5py
import numpy as np
import pytest


def run(*args, timeout=600):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)


SEQ_FAST = ["--epochs", "2", "--procedural-train", "600", "--procedural-test", "100", "--batch", "50", "--quiet"]


@pytest.mark.parametrize("target", ["line", "digit", "class"])
def test_seqmnist_layout(seqmnist, tmp_path, target):
    out = tmp_path / "s.h5"
    r = run(seqmnist, "--target", target, "--model", "crnn,ccrnn,bptt", "--seeds", "2", *SEQ_FAST, "--out", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["task"] == "seqmnist" and f.attrs["target"] == target
        assert f.attrs["data_source"] == "procedural(seed=1)"
        assert f.attrs["train_images"] == 480 and f.attrs["validation_images"] == 120
        for model in ("crnn", "ccrnn", "bptt"):
            g = f[model]["seed_2"]
            assert g["train_error"].shape == (2,)
            if target == "class":
                assert 0.0 <= g.attrs["test_accuracy"] <= 1.0
                assert g.attrs["test_error_rate"] == pytest.approx(1 - g.attrs["test_accuracy"])
                assert g["val_accuracy"].shape == (2,)
            else:
                assert g["trajectories"].shape == (30, 28, 2)
                assert sorted(set(g["trajectory_labels"][()])) == list(range(10))
        if target != "class":
            assert f["targets"].shape == (10, 28, 2)


def test_seqmnist_reads_idx_files_and_names_a_corrupt_one(seqmnist, make_digits, tmp_path):
    data = tmp_path / "mnist"
    r = run(make_digits, "--out", data, "--train", "600", "--test", "100", "--gzip", "--quiet")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in data.iterdir()) == sorted(
        n + ".gz" for n in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                            "t10k-labels-idx1-ubyte"])
    out = tmp_path / "s.h5"
    r = run(seqmnist, "--target", "class", "--mnist-dir", data, "--epochs", "1", "--seeds", "1", "--quiet", "--out", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["data_source"] == f"idx:{data}"
        assert f.attrs["test_images"] == 100
    # Corrupt the labels: a clear message naming the file, exit 1, no result.
    (data / "t10k-labels-idx1-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    bad = tmp_path / "bad.h5"
    r = run(seqmnist, "--target", "class", "--mnist-dir", data, "--epochs", "1", "--seeds", "1", "--quiet", "--out", bad)
    assert r.returncode == 1
    assert "t10k-labels-idx1-ubyte.gz" in r.stderr
    assert not bad.exists()


@pytest.mark.parametrize("args, fragment", [
    (["--target", "lines"], "unknown target"),
    (["--target", "class", "--feedback-interval", "2"], "last step"),
    (["--mnist-dir", "x", "--data-seed", "3"], "procedural set"),
    (["--model", "crnn", "--fibres", "2"], "no ccrnn"),
])
def test_seqmnist_bad_options_exit_2(seqmnist, tmp_path, args, fragment):
    r = run(seqmnist, *args, "--out", tmp_path / "x.h5")
    assert r.returncode == 2, r.stderr
    assert fragment in r.stderr


CAP_FAST = ["--epochs", "2", "--hidden", "32", "--embedding", "32", "--cerebellum-hidden", "64", "--quiet"]
SCENES = ["--scene-train", "200", "--scene-val", "40", "--scene-test", "40"]


def test_caption_built_in_equals_exported_files(caption, make_scenes, report, tmp_path):
    data = tmp_path / "coco"
    r = run(make_scenes, "--out", data, *SCENES)
    assert r.returncode == 0, r.stderr
    built_in = tmp_path / "a.h5"
    r = run(caption, *CAP_FAST, *SCENES, "--seeds", "1", "--out", built_in)
    assert r.returncode == 0, r.stderr
    files = tmp_path / "b.h5"
    args = []
    for split, name in (("train", "train"), ("val", "val"), ("test", "test")):
        args += [f"--{split}-json", data / f"captions_{name}.json", f"--{split}-features", data / f"features_{name}.h5"]
    r = run(caption, *CAP_FAST, *args, "--seeds", "1", "--out", files)
    assert r.returncode == 0, r.stderr
    with h5py.File(built_in, "r") as a, h5py.File(files, "r") as b:
        assert list(a["vocabulary/words"][()]) == list(b["vocabulary/words"][()])
        for model in ("crnn", "ccrnn"):
            ga, gb = a[model]["seed_1"], b[model]["seed_1"]
            assert np.array_equal(ga["val_ce"][()], gb["val_ce"][()])
            assert ga.attrs["test_bpw"] == gb.attrs["test_bpw"]
            assert 0.0 <= ga.attrs["bleu4"] <= 1.0
            assert ga["captions"].shape == (40,)
    rep = run(report, built_in, "--curve", "val_bpw")  # string datasets (captions) are not curves
    assert rep.returncode == 0 and "test_bpw" in rep.stdout, rep.stderr
    # The COCO results JSON of each run, beside the results file.
    results = json.loads((tmp_path / "a.ccrnn.seed1.captions.json").read_text())
    assert len(results) == 40 and {"image_id", "caption"} <= set(results[0])


def test_caption_bad_inputs(caption, tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"images": [{"id": 1}], "annotations": [{"image_id": 1}]}')  # no caption field
    args = ["--train-json", bad_json, "--train-features", tmp_path / "f.h5", "--val-json", bad_json,
            "--val-features", tmp_path / "f.h5", "--test-json", bad_json, "--test-features", tmp_path / "f.h5"]
    r = run(caption, *CAP_FAST, *args, "--out", tmp_path / "x.h5")
    assert r.returncode == 1 and "bad.json" in r.stderr
    r = run(caption, *CAP_FAST, "--train-json", bad_json, "--out", tmp_path / "x.h5")
    assert r.returncode == 2 and "all six files" in r.stderr
    r = run(caption, *CAP_FAST, "--record-every", "2", "--out", tmp_path / "x.h5")
    assert r.returncode == 2
    (tmp_path / "y.crnn.seed1.captions.json").write_text("[]")
    r = run(caption, *CAP_FAST, *SCENES, "--seeds", "1", "--out", tmp_path / "y.h5")
    assert r.returncode == 2 and "captions.json exists" in r.stderr
    assert (tmp_path / "y.crnn.seed1.captions.json").read_text() == "[]"
