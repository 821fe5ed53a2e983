"""Training from Python: whole runs with stoppable callbacks, the Trainer with recordings, gradients checked
against central differences, C++ errors as Python exceptions, the GIL released and Ctrl-C honoured."""
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")

SMALL_LINE = dict(epochs=4, train_size=100, validation_size=20, test_repeats=1, model=dict(hidden_size=10))


def test_line_drawing_run_is_deterministic_and_returns_numpy_curves():
    a = ccrnn.run_line_drawing(seed=3, **SMALL_LINE)
    b = ccrnn.run_line_drawing(ccrnn.LineDrawingRunConfig(**SMALL_LINE), seed=3)
    assert a["epochs"] == 4 and a["train_error"].shape == (4,) and a["val_error"].shape == (4,)
    np.testing.assert_array_equal(a["train_error"], b["train_error"])
    np.testing.assert_array_equal(a["trajectories"], b["trajectories"])
    assert a["trajectories"].shape == a["targets"].shape == (7, 10, 2)
    assert set(a["test"]) == {"test_error", "dysmetria", "stationary_path_length", "endpoint_error"}
    c = ccrnn.run_line_drawing(seed=4, **SMALL_LINE)
    assert not np.array_equal(a["train_error"], c["train_error"])


def test_a_callback_sees_every_epoch_and_stops_the_run_by_returning_false():
    full = ccrnn.run_line_drawing(seed=1, **SMALL_LINE)
    seen = []

    def callback(epoch, train_error, val_error):
        seen.append((epoch, train_error, val_error))
        return epoch < 2

    stopped = ccrnn.run_line_drawing(seed=1, callback=callback, **SMALL_LINE)
    assert [s[0] for s in seen] == [1, 2]
    assert stopped["epochs"] == 2
    np.testing.assert_array_equal(stopped["train_error"], full["train_error"][:2])
    assert seen[1][2] == stopped["val_error"][1]
    none_goes_on = ccrnn.run_line_drawing(seed=1, callback=lambda *args: None, **SMALL_LINE)
    assert none_goes_on["epochs"] == 4


def test_an_exception_in_the_callback_abandons_the_run_and_propagates():
    def callback(epoch, *_):
        raise RuntimeError(f"stop at {epoch}")

    with pytest.raises(RuntimeError, match="stop at 1"):
        ccrnn.run_line_drawing(seed=1, callback=callback, **SMALL_LINE)


def test_seqmnist_and_captioning_runs_stop_from_their_callbacks():
    data = ccrnn.procedural_mnist(seed=2, train_count=200, test_count=50)
    r = ccrnn.run_seqmnist(data=data, seed=1, epochs=3, task=dict(target="classify"), model=dict(hidden_size=8),
                           callback=lambda epoch, tr, val: epoch < 2)
    assert r["epochs"] == 2 and r["val_accuracy"].shape == (2,)
    assert 0 <= r["test"]["accuracy"] <= 1 and "uncertainty" in r["test"]
    d = ccrnn.run_seqmnist(data=data, seed=1, epochs=1, task=dict(target="digit"), model=dict(hidden_size=8),
                           trajectories_per_class=1)
    assert d["trajectories"].shape == (10, 28, 2) and sorted(d["trajectory_labels"]) == list(range(10))
    scenes = ccrnn.make_scene_captions(train_images=60, validation_images=10, test_images=10, feature_size=16)
    assert len(scenes.train) == 60 and scenes.train.features.shape == (60, 16)
    seen = []
    c = ccrnn.run_captioning(data=scenes, seed=1, epochs=3, model=dict(hidden_size=16, embedding_size=16),
                             callback=lambda e, tr, v, bpw: seen.append(bpw) or e < 1)
    assert c["epochs"] == 1 and len(seen) == 1 and c["val_bpw"][0] == seen[0]
    assert len(c["captions"]) == 10 and c["caption_image_ids"].shape == (10,)
    assert set(c["by_length"]) == {"short", "medium", "long"} and "bleu4" in c["bleu"]


def test_trainer_steps_record_boundaries_and_learn():
    model = ccrnn.Model(hidden_size=12, cerebellum=True, cerebellum_hidden=20, seed=1)
    trainer = ccrnn.Trainer(model, truncation=2, optimizer=dict(lr=0.01))
    task, rng = ccrnn.LineDrawing(), ccrnn.Rng(1)
    stats, rec = trainer.train_batch(task.sample_batch(rng, 8), record=True, iteration=0)
    assert trainer.cerebellum_state == "active" and stats["training_error"] > 0
    assert (rec.batch, rec.truncation, rec.windows, rec.iteration) == (8, 2, 5, 0)
    assert rec.states.shape == rec.predictions.shape == rec.true_gradients.shape == (6, 8, 24)
    assert rec.targets.shape == rec.truncated_gradients.shape == (5, 8, 24)
    assert len(rec.granule) == 2 and rec.granule[0].shape == (6, 8, 20)
    al = rec.prediction_alignment()
    assert al["per_sample"].shape == (5, 8) and al["zero_pairs"] == 40  # the untrained cerebellum predicts 0
    direct = ccrnn.gradient_alignment(rec.truncated_gradients, rec.true_gradients[:-1])
    assert direct["mean"] == pytest.approx(rec.truncated_alignment()["mean"])
    before = model.get_parameters()
    errors = [trainer.train_batch(task.sample_batch(rng, 8))["training_error"] for _ in range(5)]
    assert np.isfinite(errors).all() and trainer.last_grad_norm > 0
    after = model.get_parameters()
    assert all(not np.array_equal(before[k], after[k]) for k in before)  # every parameter took steps
    assert after["cerebellum.layers.2.weight"].any()  # the cerebellum learned from its targets
    crnn = ccrnn.Trainer(ccrnn.Model(hidden_size=4, seed=1))
    assert crnn.cerebellum_state == "absent"
    with pytest.raises(ValueError, match="^prediction_alignment: the recording has no cerebellar predictions$"):
        crnn.train_batch(task.sample_batch(rng, 2), record=True)[1].prediction_alignment()


def test_gradients_match_central_differences_in_double_precision():
    model = ccrnn.Model(input_size=2, hidden_size=4, output_size=2, seed=7, dtype="float64")
    rng = np.random.default_rng(1)
    batch = ccrnn.Batch(rng.normal(size=(5, 3, 2)), targets=rng.normal(size=(5, 3, 2)))
    model.compute_gradients(batch, truncation=5)  # one window: full BPTT
    grads = model.gradients()
    for name in ["cortex.weight_hh_l0", "cortex.bias_ih_l0", "readout.weight"]:
        value = model.get_parameter(name)
        for index in [(0,) * value.ndim, tuple(s - 1 for s in value.shape)]:
            def loss_at(delta):
                shifted = value.copy()
                shifted[index] += delta
                model.set_parameter(name, shifted)
                return model.compute_gradients(batch, truncation=5)["task_loss"]
            h = 1e-6
            numeric = (loss_at(h) - loss_at(-h)) / (2 * h)
            model.set_parameter(name, value)
            assert grads[name][index] == pytest.approx(numeric, rel=1e-6, abs=1e-9), (name, index)


def test_one_window_equals_full_bptt_and_a_silent_cerebellum_changes_nothing():
    rng = np.random.default_rng(2)
    batch = ccrnn.Batch(rng.normal(size=(6, 3, 1)), targets=rng.normal(size=(6, 3, 2)))
    crnn = ccrnn.Model(hidden_size=5, seed=3, dtype="float64")
    crnn.compute_gradients(batch, truncation=6)
    full = crnn.boundary_gradients(batch, truncation=6, parameters=True)["parameter_gradients"]
    for k, v in crnn.gradients().items():
        np.testing.assert_allclose(v, full[k], rtol=1e-12, atol=1e-14)
    ccrnn_model = ccrnn.Model(hidden_size=5, cerebellum=True, cerebellum_hidden=9, seed=3, dtype="float64")
    ccrnn_model.set_parameters({k: v for k, v in crnn.get_parameters().items()}, strict=False)
    crnn.compute_gradients(batch, truncation=2)
    ccrnn_model.compute_gradients(batch, truncation=2)  # the cerebellum's output layer is still zero
    g = ccrnn_model.gradients()
    for k, v in crnn.gradients().items():
        np.testing.assert_array_equal(g[k], v)


def test_cpp_errors_become_python_exceptions_with_the_same_message(tmp_path):
    with pytest.raises(ValueError, match="^linedraw: epochs must be >= 1$"):
        ccrnn.run_line_drawing(epochs=0)
    with pytest.raises(ccrnn.DataError, match=f"^{tmp_path}/none: no such directory"):
        ccrnn.load_mnist(str(tmp_path / "none"))
    (tmp_path / "bad").mkdir()
    for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]:
        (tmp_path / "bad" / name).write_bytes(b"\x00\x00\x08\x03junk")
    with pytest.raises(ccrnn.DataError, match="train-images-idx3-ubyte: truncated header"):
        ccrnn.load_mnist(str(tmp_path / "bad"))
    assert issubclass(ccrnn.DataError, ValueError) and issubclass(ccrnn.DivergenceError, RuntimeError)
    with pytest.raises(ccrnn.DivergenceError, match="seed 0 diverged at epoch 1"):
        ccrnn.run_line_drawing(epochs=2, trainer=dict(clip=0, optimizer=dict(kind="sgd", lr=1e30)), model=dict(hidden_size=5))
    with pytest.raises(ValueError, match="batch: regression or binary targets must be output_size x B\\*L"):
        ccrnn.Trainer(ccrnn.Model(hidden_size=3)).train_batch(ccrnn.Batch(np.zeros((2, 1, 1)), targets=np.zeros((2, 1, 5))))
    files = {f"{split}_{kind}": str(tmp_path / f"missing_{split}.{ext}") for split in ["train", "validation", "test"]
             for kind, ext in [("json", "json"), ("features", "h5")]}
    config = ccrnn.CaptionRunConfig(files=files)
    with pytest.raises(ccrnn.CaptionDataError, match="missing_train.json"):
        ccrnn.load_caption_data(config)


def test_long_runs_release_the_gil():
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    start = time.perf_counter()
    ccrnn.run_line_drawing(seed=1, epochs=100, validation_size=20, test_repeats=1)
    end = time.perf_counter()
    stop.set()
    counter.join()
    during = [t for t in ticks if start < t < end]
    # With the GIL held, the counter could not run at all while the run lasted.
    assert end - start > 0.2 and len(during) > 20


def test_ctrl_c_interrupts_a_run_with_keyboard_interrupt():
    script = textwrap.dedent("""
        import sys, time, ccrnn
        print("ready", flush=True)
        start = time.time()
        try:
            ccrnn.run_line_drawing(epochs=100000, seed=1)
        except KeyboardInterrupt:
            print("interrupted", round(time.time() - start, 1), flush=True)
            r = ccrnn.run_line_drawing(epochs=1, train_size=50, validation_size=5, test_repeats=1)
            print("usable", r["epochs"], flush=True)
            sys.exit(0)
        sys.exit(3)
    """)
    env = dict(os.environ, PYTHONPATH=str(pathlib.Path(os.environ["CCRNN_BUILD_DIR"]) / "bindings"))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "interrupted" in out and "usable 1" in out
