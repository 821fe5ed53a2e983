"""The per-task run functions of the first Python API, kept working on top of the one run loop: each runs
its configuration object through ccrnn's task plug-in and reshapes the run's record (ccrnn.run's result)
into the dict these functions have always returned. New code: ccrnn.run(task, model=..., **settings)."""
import numpy as np

from . import _ccrnn

_CALLBACK_DOC = (" callback(epoch, ...) is called after every epoch with the epoch's numbers; returning False stops "
                 "training there (the model is then tested as usual and the curves hold the epochs run). Ctrl-C raises "
                 "KeyboardInterrupt within a batch.")


def _callback(callback, names):
    if callback is None:
        return None
    return lambda epoch, values: callback(epoch, *[values[n] for n in names])


def _recordings(record):
    curves = {k: v for k, v in record["curves"].items()
              if k.startswith(("alignment_", "cortex_", "granule_"))}
    return curves, record["recordings"]


def run_line_drawing(config=None, *, seed=0, callback=None, **options):
    record, used = _ccrnn._run_configured("linedraw", config, None, seed,
                                          _callback(callback, ("train_error", "val_error")), **options)
    s, curves = record["scalars"], record["curves"]
    task = _ccrnn.LineDrawing(used.task)
    cues = _ccrnn.LineDrawing.cues()
    out = {"seed": record["seed"], "epochs": record["epochs"],
           "train_error": curves["train_error"], "val_error": curves["val_error"],
           "test": {k: s[k] for k in ("test_error", "dysmetria", "stationary_path_length", "endpoint_error")},
           "cues": cues, "trajectories": record["arrays"]["trajectories"],
           "targets": np.stack([task.target(c) for c in cues])}
    out["recording_curves"], out["recordings"] = _recordings(record)
    out["seconds"] = record["seconds"]
    return out


run_line_drawing.__doc__ = (
    "One line-drawing run (float32), deterministic in (config, seed). config: a LineDrawingRunConfig and/or its fields "
    "as keywords (nested ones as dicts). callback(epoch, train_error, val_error)." + _CALLBACK_DOC +
    " Returns a dict: seed, epochs, train_error (epochs,) (the papers' training error), val_error (epochs,) (dense "
    "squared Euclidean error), test {test_error, dysmetria, stationary_path_length, endpoint_error}, cues [-3..3], "
    "trajectories (7, L, 2) drawn per cue, targets (7, L, 2), recording_curves {name: (epochs,)}, recordings "
    "[Recording], seconds.")


def run_seqmnist(config=None, *, data=None, seed=0, callback=None, **options):
    record, used = _ccrnn._run_configured("seqmnist", config, data, seed,
                                          _callback(callback, ("train_error", "val_error")), **options)
    s, curves, arrays = record["scalars"], record["curves"], record["arrays"]
    classify = str(used.task.target.name) == "classify"
    test = {"error": s["test_error"]}
    if classify:
        test.update(accuracy=s["test_accuracy"], uncertainty=s["uncertainty"])
    else:
        test.update(test_error=s["test_error"], dysmetria=s["dysmetria"],
                    stationary_path_length=s["stationary_path_length"], endpoint_error=s["endpoint_error"])
    empty = np.zeros(0, dtype=np.int64)
    out = {"seed": record["seed"], "epochs": record["epochs"],
           "train_error": curves["train_error"], "val_error": curves["val_error"],
           "val_accuracy": curves.get("val_accuracy", np.zeros(0)), "test": test,
           "trajectories": arrays.get("trajectories", np.zeros((0, 28, 2))),
           "trajectory_images": arrays.get("trajectory_images", empty),
           "trajectory_labels": arrays.get("trajectory_labels", empty)}
    out["recording_curves"], out["recordings"] = _recordings(record)
    out["seconds"] = record["seconds"]
    return out


run_seqmnist.__doc__ = (
    "One sequential-MNIST run (float32), deterministic in (config, data, seed). config: a SeqMnistRunConfig and/or "
    "its fields as keywords. data: MnistSplits (default: the full procedural set, seed 1). callback(epoch, "
    "train_error, val_error)." + _CALLBACK_DOC +
    " Returns a dict: seed, epochs, train_error (epochs,), val_error (epochs,) (drawing: dense squared error; "
    "classify: NLL), val_accuracy (epochs,) (classify), test {error, and accuracy, uncertainty (classify) or "
    "test_error (= error), dysmetria, stationary_path_length, endpoint_error (drawing)}, trajectories (n, 28, 2), "
    "trajectory_images (n,), trajectory_labels (n,), recording_curves, recordings, seconds.")


_CAPTION_ONLY = ("embedding_size", "dropout", "bn_momentum", "bn_eps")


def _caption_options(options):
    """model=dict(...) once held the caption model's own fields too; they now live in caption=dict(...)."""
    model = options.get("model")
    if isinstance(model, dict) and any(k in model for k in _CAPTION_ONLY):
        options = dict(options, model={k: v for k, v in model.items() if k not in _CAPTION_ONLY})
        options["caption"] = dict(options.get("caption") or {}, **{k: model[k] for k in _CAPTION_ONLY if k in model})
    return options


def run_captioning(config=None, *, data=None, seed=0, callback=None, **options):
    options = _caption_options(options)
    record, _ = _ccrnn._run_configured("caption", config, data, seed,
                                       _callback(callback, ("train_ce", "val_ce", "val_bpw")), **options)
    s, curves, arrays = record["scalars"], record["curves"], record["arrays"]
    bins = ("short", "medium", "long")
    bleu = {f"bleu{n}": s[f"bleu{n}"] for n in range(1, 5)}
    by_length = {b: dict({f"bleu{n}": s[f"bleu{n}_{b}"] for n in range(1, 5)},
                         images=int(s[f"test_images_{b}"]), test_ce=s[f"test_bpw_{b}"] * np.log(2.0),
                         test_captions=int(s[f"test_captions_{b}"])) for b in bins}
    return {"seed": record["seed"], "epochs": record["epochs"],
            "train_ce": curves["train_ce"], "val_ce": curves["val_ce"], "val_bpw": curves["val_bpw"],
            "best_epoch": int(s["best_epoch"]), "test_ce": s["test_ce"], "test_bpw": s["test_bpw"],
            "bleu": bleu, "by_length": by_length,
            "length_thresholds": {"short_below": s["length_short_below"], "long_from": s["length_long_from"]},
            "captions": list(arrays["captions"]) if len(arrays["caption_image_ids"]) else [],
            "caption_image_ids": arrays["caption_image_ids"], "vocabulary": list(arrays["vocabulary"]),
            "train_tokens_per_second": s["train_tokens_per_second"],
            "decode_tokens_per_second": s["decode_tokens_per_second"], "seconds": record["seconds"]}


run_captioning.__doc__ = (
    "One captioning run (float32), deterministic in (config, data, seed). config: a CaptionRunConfig and/or its fields "
    "as keywords. data: CaptionData (default: the config's files or built-in scenes). callback(epoch, train_ce, "
    "val_ce, val_bpw)." + _CALLBACK_DOC +
    " Returns a dict: seed, epochs, train_ce, val_ce (nats per token), val_bpw (bits per word), each (epochs,); "
    "best_epoch; test_ce, test_bpw and bleu {bleu1..bleu4} of the best epoch's model; by_length {short, medium, "
    "long: BLEU, images, test_ce, test_captions}; length_thresholds; captions (greedy, one per test image) with "
    "caption_image_ids; vocabulary; train/decode tokens per second; seconds.")
