"""The loop tasks evidence, association and loopdigits from Python (ccrnn.run, load_model) and from the command line,
where a loop run extended from its kept checkpoint equals a run asked for that many epochs from the start."""
import subprocess

import numpy as np
import pytest

from test_checkpoint_app import assert_same_file

SMALL = dict(epochs=2, train_size=40, val_size=10, test_size=20, cerebellum_hidden=30, hidden=12)


@pytest.mark.parametrize("task, inputs, outputs", [("evidence", 2, 3), ("association", 10, 2), ("loopdigits", 10, 2)])
def test_python_runs_are_paired_and_deterministic(task, inputs, outputs):
    import ccrnn
    crnn = ccrnn.run(task, model="crnn", seed=3, **SMALL)
    ccrnn_run = ccrnn.run(task, model="ccrnn", seed=3, **SMALL)
    again = ccrnn.run(task, model="ccrnn", seed=3, **SMALL)
    assert crnn["scalars"]["test_error"] == crnn["scalars"]["ablated_test_error"]  # no cerebellar feedback
    assert np.array_equal(again["curves"]["train_error"], ccrnn_run["curves"]["train_error"])
    weights = ccrnn_run["weights"]["final"]
    assert np.asarray(weights["cortex.weight_ih_l0"]).shape == (12, inputs + outputs)  # [x_t; c_t]
    assert np.asarray(weights["readout.weight"]).shape == (outputs, 12)


def test_a_loop_run_continues_from_its_kept_checkpoint(train, tmp_path):
    args = ["--task", "evidence", "--seeds", "1", "--model", "crnn,ccrnn", "--length", "12", "--train-size", "30",
            "--val-size", "10", "--test-size", "20", "--cerebellum-hidden", "30"]
    # Same relative --out and options in two directories: the files may differ only in wall-clock attributes.
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    straight.mkdir(), resumed.mkdir()
    same = [*args, "--checkpoint-every", "1", "--keep-checkpoints", "--overwrite", "--out", "run.h5"]

    def train_in(directory, *more):
        r = subprocess.run([str(train), *same, *more], capture_output=True, text=True, cwd=directory)
        assert r.returncode == 0, r.stderr
        return r.stdout + r.stderr

    train_in(straight, "--epochs", "3")
    train_in(resumed, "--epochs", "1")
    assert "resum" in train_in(resumed, "--epochs", "3").lower()
    assert_same_file(straight / "run.h5", resumed / "run.h5")


def test_eprop_from_python_command_line_config_and_sweep(train, sweep, tmp_path):
    """--cortical-rule eprop reaches the run the same way from every entry point, and a run's numbers depend
    on neither the thread count nor the other runs beside it."""
    import ccrnn
    import h5py
    eprop = ccrnn.run("association", model="ccrnn", seed=2, cortical_rule="eprop", **SMALL)
    bptt = ccrnn.run("association", model="ccrnn", seed=2, **SMALL)
    with pytest.raises(Exception, match="cortical"):
        ccrnn.run("association", model="ccrnn", seed=2, cortical_rule="rtrl", **SMALL)
    w_eprop, w_bptt = (np.asarray(r["weights"]["final"]["cortex.weight_ih_l0"]) for r in (eprop, bptt))
    assert not np.array_equal(w_eprop, w_bptt)

    small = ["--task", "association", "--epochs", "2", "--train-size", "40", "--val-size", "10", "--test-size", "20",
             "--cerebellum-hidden", "30", "--hidden", "12"]

    def run(exe, *args):
        r = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode == 0, r.stderr

    both = ["--model", "crnn,ccrnn"]
    run(train, *small, *both, "--cortical-rule", "eprop", "--seeds", "1,2", "--threads", "1", "--out", "one.h5")
    run(train, *small, *both, "--cortical-rule", "eprop", "--seeds", "1,2", "--threads", "2", "--out", "two.h5")
    (tmp_path / "run.ini").write_text("cortical-rule = eprop\n")
    run(train, *small, *both, "--config", "run.ini", "--seeds", "2", "--threads", "1", "--out", "config.h5")
    run(sweep, *small, "--grid", "model=crnn,ccrnn", "--grid", "cortical-rule=bptt,eprop", "--seeds", "2",
        "--threads", "2", "--out", "sweep.h5")
    with h5py.File(tmp_path / "one.h5") as one, h5py.File(tmp_path / "two.h5") as two, \
            h5py.File(tmp_path / "config.h5") as config, h5py.File(tmp_path / "sweep.h5") as swept:
        assert one.attrs["cortical_rule"] == "eprop" and config.attrs["cortical_rule"] == "eprop"
        runs = {(g.attrs["cortical_rule"], g.attrs["model"]): g for g in swept["runs"].values() if g.attrs["seed"] == 2}
        for model in ("crnn", "ccrnn"):
            for name in ("train_error", "val_error", "weights/final/cortex.weight_ih_l0"):
                a = one[f"{model}/seed_2/{name}"][()]
                assert np.array_equal(a, two[f"{model}/seed_2/{name}"][()]), (model, name, "threads")
                assert np.array_equal(a, config[f"{model}/seed_2/{name}"][()]), (model, name, "config")
                assert np.array_equal(a, runs[("eprop", model)][name][()]), (model, name, "sweep")
            assert not np.array_equal(runs[("bptt", model)]["weights/final/cortex.weight_ih_l0"][()],
                                      runs[("eprop", model)]["weights/final/cortex.weight_ih_l0"][()])
        # The Python run of seed 2 is the command line's.
        assert np.array_equal(eprop["curves"]["train_error"], one["ccrnn/seed_2/train_error"][()])


def test_dni_rule_from_python_command_line_sweep_and_checkpoint(train, sweep, tmp_path):
    """--cortical-rule dni (the DNI and the forward cerebellum in one model) reaches the run from every entry
    point, its DNI is stored with the weights, and a run resumed from a checkpoint (the DNI's optimizer group
    included) equals an uninterrupted one."""
    import ccrnn
    import h5py
    plastic = dict(SMALL, cortical_plasticity="all", T=3)
    dni = ccrnn.run("loopdraw", model="ccrnn", seed=2, cortical_rule="dni", dni_hidden=20, **plastic)
    tbptt = ccrnn.run("loopdraw", model="ccrnn", seed=2, cortical_rule="tbptt", **plastic)
    weights = dni["weights"]["final"]
    assert np.asarray(weights["cerebellum.layers.0.weight"]).shape == (20, 24)  # the leaky state [f(u); u]
    assert "cerebellum.layers.0.weight" not in tbptt["weights"]["final"]
    assert not np.array_equal(weights["cortex.weight_hh_l0"], tbptt["weights"]["final"]["cortex.weight_hh_l0"])
    with pytest.raises(Exception, match="cortical-plasticity is fixed"):
        ccrnn.run("loopdraw", model="ccrnn", seed=2, cortical_rule="dni", **SMALL)

    small = ["--task", "loopdraw", "--train-size", "40", "--val-size", "10", "--test-size", "20",
             "--cerebellum-hidden", "30", "--hidden", "12", "--cortical-plasticity", "all", "--T", "3"]

    def run(exe, *args, cwd=tmp_path):
        r = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd)
        assert r.returncode == 0, r.stderr
        return r.stdout + r.stderr

    run(train, *small, "--cortical-rule", "dni", "--seeds", "2", "--model", "ccrnn", "--epochs", "2", "--out", "one.h5")
    run(sweep, *small, "--grid", "cortical-rule=tbptt,dni", "--grid", "model=ccrnn", "--seeds", "2", "--epochs", "2", "--out", "sweep.h5")
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    straight.mkdir(), resumed.mkdir()
    same = [*small, "--cortical-rule", "dni", "--seeds", "2", "--model", "ccrnn", "--checkpoint-every", "1",
            "--keep-checkpoints", "--overwrite", "--out", "run.h5"]
    run(train, *same, "--epochs", "3", cwd=straight)
    run(train, *same, "--epochs", "1", cwd=resumed)
    assert "resum" in run(train, *same, "--epochs", "3", cwd=resumed).lower()
    assert_same_file(straight / "run.h5", resumed / "run.h5")
    with h5py.File(tmp_path / "one.h5") as one, h5py.File(tmp_path / "sweep.h5") as swept:
        assert one.attrs["cortical_rule"] == "dni" and one.attrs["T"] == 3 and one.attrs["sg_scale"] == 0.1
        runs = {g.attrs["cortical_rule"]: g for g in swept["runs"].values()}
        assert set(runs) == {"tbptt", "dni"}
        for name in ("train_error", "val_error", "weights/final/cortex.weight_hh_l0", "weights/final/cerebellum.layers.2.weight"):
            assert np.array_equal(one[f"ccrnn/seed_2/{name}"][()], runs["dni"][name][()]), name
        assert not np.array_equal(runs["dni"]["train_error"][()], runs["tbptt"]["train_error"][()])
