#!/usr/bin/python3
"""Plot the results of ccrnn-linedraw: learning curves and drawn trajectories.

Usage: scripts/plot_linedraw.py results.h5 [--out figure.png] [--dpi 150] [--all-seeds]

Reads the HDF5 file written by ccrnn-linedraw (layout below) with h5py and writes one PNG:
  left   training error per epoch, mean +/- SEM across seeds (solid), validation error (dashed, thinner);
  right  one panel per model: the drawn trajectory for each of the 7 cues (first seed; --all-seeds adds
         the other seeds faintly) over the targets (dashed light grey), endpoints marked.

Expected layout:
  /                         attrs: ccrnn_version and every option (T, feedback_interval, epochs, ...)
  /targets                  (7, L, 2) target trajectory per cue, cues -3..3
  /cues                     (7,) cue values
  /<model>/seed_<k>/        model in {crnn, ccrnn}; attrs: seed, test_error, dysmetria, ...
            train_error     (epochs,)
            val_error       (epochs,)   optional: plotted when present
            trajectories    (7, L, 2)
Either model may be missing, but at least one must be present. Exits with status 1 and a message naming
the file when the file or a required dataset is missing or malformed.
"""

import argparse
import os
import re
import sys
import tempfile
import warnings

import numpy as np

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "plot_linedraw.py"

# Okabe-Ito palette (colour-blind safe): cRNN black, ccRNN blue.
MODELS = (
    ("crnn", "cRNN", "#000000"),
    ("ccrnn", "ccRNN", "#0072B2"),
)
TARGET_COLOUR = "#B0B0B0"
SEED_RE = re.compile(r"^seed_(\d+)$")


class ResultsError(Exception):
    """A problem with the input file; the message names the file."""


def fail(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(1)


def attr_text(value):
    """Human-readable form of an HDF5 attribute (bytes, numpy scalars, small arrays)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return attr_text(value.reshape(-1)[0])
        return ",".join(attr_text(v) for v in value.reshape(-1))
    if isinstance(value, (np.floating, float)):
        return f"{float(value):g}"
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def read_dataset(group, name, path):
    if name not in group:
        raise ResultsError(f"{path}: required dataset '{group.name.rstrip('/')}/{name}' is missing")
    obj = group[name]
    if not hasattr(obj, "shape"):
        raise ResultsError(f"{path}: '{obj.name}' is a group, expected a dataset")
    try:
        return np.asarray(obj[()], dtype=float)
    except (TypeError, ValueError):
        raise ResultsError(f"{path}: '{obj.name}' is not numeric") from None


def read_results(path):
    """Returns a dict with attrs, targets, cues and per-model lists of seed records."""
    import h5py

    if not os.path.isfile(path):
        raise ResultsError(f"results file '{path}' does not exist")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ResultsError(f"cannot open '{path}' as HDF5: {e}") from None
    with f:
        attrs = {k: f.attrs[k] for k in f.attrs.keys()}
        targets = read_dataset(f, "targets", path)
        cues = read_dataset(f, "cues", path)
        if targets.ndim != 3 or targets.shape[2] != 2:
            raise ResultsError(f"{path}: '/targets' has shape {targets.shape}, expected (cues, L, 2)")
        if cues.shape != (targets.shape[0],):
            raise ResultsError(f"{path}: '/cues' has shape {cues.shape}, expected ({targets.shape[0]},)")

        models = {}
        for key, _, _ in MODELS:
            if key not in f:
                continue
            seeds = []
            for name in f[key].keys():
                m = SEED_RE.match(name)
                if not m:
                    continue
                g = f[key][name]
                traj = read_dataset(g, "trajectories", path)
                if traj.shape != targets.shape:
                    raise ResultsError(
                        f"{path}: '{g.name}/trajectories' has shape {traj.shape}, expected {targets.shape}")
                seeds.append({
                    "seed": int(m.group(1)),
                    "train": read_dataset(g, "train_error", path).reshape(-1),
                    "val": read_dataset(g, "val_error", path).reshape(-1) if "val_error" in g else None,
                    "traj": traj,
                    "attrs": {k: g.attrs[k] for k in g.attrs.keys()},
                })
            if not seeds:
                raise ResultsError(f"{path}: group '/{key}' has no seed_<k> groups")
            seeds.sort(key=lambda s: s["seed"])
            models[key] = seeds
        if not models:
            raise ResultsError(f"{path}: no model group found (expected '/crnn' and/or '/ccrnn')")
    return {"attrs": attrs, "targets": targets, "cues": cues, "models": models}


def mean_sem(curves):
    """Mean and standard error across seeds of equal-length curves (truncated to the shortest)."""
    n = min(len(c) for c in curves)
    stack = np.vstack([c[:n] for c in curves])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(stack, axis=0)
        count = np.sum(np.isfinite(stack), axis=0)
        std = np.nanstd(stack, axis=0, ddof=1) if stack.shape[0] > 1 else np.zeros(n)
        sem = np.where(count > 1, std / np.sqrt(np.maximum(count, 1)), 0.0)
    return mean, sem


def metric_summary(seeds, name):
    values = []
    for s in seeds:
        if name in s["attrs"]:
            try:
                values.append(float(np.asarray(s["attrs"][name]).reshape(-1)[0]))
            except (TypeError, ValueError):
                pass
    values = np.asarray([v for v in values if np.isfinite(v)])
    if values.size == 0:
        return None
    if values.size == 1:
        return f"{values[0]:.3g}"
    mean = values.mean()
    sem = values.std(ddof=1) / np.sqrt(values.size)
    if sem <= 1e-9 * max(abs(mean), 1e-300):
        sem = 0.0
    return f"{mean:.3g} ± {sem:.2g}"


def make_title(results):
    attrs = results["attrs"]
    parts = []
    for key, label in (("T", "T"), ("feedback_interval", "feedback interval"), ("epochs", "epochs")):
        if key in attrs:
            parts.append(f"{label} = {attr_text(attrs[key])}")
    n_seeds = max(len(s) for s in results["models"].values())
    parts.append(f"seeds = {n_seeds}")
    title = "Line drawing: " + ", ".join(parts)
    if "ccrnn_version" in attrs:
        title += f"   (ccrnn {attr_text(attrs['ccrnn_version'])})"
    return title


def plot(results, out_path, dpi, all_seeds):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    present = [(k, label, colour) for k, label, colour in MODELS if k in results["models"]]
    n_models = len(present)
    fig = plt.figure(figsize=(5.2 + 3.9 * n_models, 4.6), constrained_layout=True)
    fig.get_layout_engine().set(h_pad=0.1, w_pad=0.08)  # inches: room between the suptitle and panel titles
    grid = fig.add_gridspec(1, 1 + n_models, width_ratios=[1.35] + [1.0] * n_models)

    # ---- learning curves ----
    ax = fig.add_subplot(grid[0, 0])
    positive = True
    for key, label, colour in present:
        seeds = results["models"][key]
        n = len(seeds)
        mean, sem = mean_sem([s["train"] for s in seeds])
        epochs = np.arange(1, mean.size + 1)
        ax.plot(epochs, mean, color=colour, lw=1.8, label=f"{label} train (n={n})")
        ax.fill_between(epochs, mean - sem, mean + sem, color=colour, alpha=0.2, lw=0)
        positive &= bool(np.all(mean[np.isfinite(mean)] > 0))
        vals = [s["val"] for s in seeds if s["val"] is not None and s["val"].size > 0]
        if vals:
            vmean, vsem = mean_sem(vals)
            vepochs = np.arange(1, vmean.size + 1)
            ax.plot(vepochs, vmean, color=colour, lw=1.0, ls="--", label=f"{label} validation")
            ax.fill_between(vepochs, vmean - vsem, vmean + vsem, color=colour, alpha=0.1, lw=0)
            positive &= bool(np.all(vmean[np.isfinite(vmean)] > 0))
    if positive:
        lo, hi = ax.dataLim.y0, ax.dataLim.y1
        if lo > 0 and hi / lo > 10:
            ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("squared Euclidean error")
    ax.set_title("Learning curves (mean ± SEM across seeds)", fontsize=10)
    ax.grid(True, which="major", color="#E5E5E5", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8)

    # ---- trajectories, one panel per model ----
    targets = results["targets"]
    cues = results["cues"]
    reach = np.nanmax(np.abs(targets)) if np.any(np.isfinite(targets)) else 1.0
    reach = reach if reach > 0 else 1.0
    for i, (key, label, colour) in enumerate(present):
        seeds = results["models"][key]
        tax = fig.add_subplot(grid[0, 1 + i])
        for c in range(targets.shape[0]):
            tx, ty = targets[c, :, 0], targets[c, :, 1]
            tax.plot(tx, ty, color=TARGET_COLOUR, ls="--", lw=1.2, zorder=1)
            tax.plot(tx[-1], ty[-1], "o", mfc="white", mec=TARGET_COLOUR, ms=7, mew=1.2, zorder=1)
            # Label each target endpoint with its cue, pushed slightly outwards.
            ex, ey = tx[-1], ty[-1]
            norm = np.hypot(ex, ey)
            if norm > 0:
                lx, ly = ex * (1 + 0.13 * reach / norm), ey * (1 + 0.13 * reach / norm)
            else:
                lx, ly = 0.09 * reach, -0.09 * reach
            tax.text(lx, ly, f"{attr_text(cues[c])}", fontsize=7, color="#707070", ha="center", va="center")
        if all_seeds:
            for s in seeds[1:]:
                for c in range(targets.shape[0]):
                    tax.plot(s["traj"][c, :, 0], s["traj"][c, :, 1], color=colour, lw=0.7, alpha=0.18, zorder=2)
        first = seeds[0]
        for c in range(targets.shape[0]):
            dx, dy = first["traj"][c, :, 0], first["traj"][c, :, 1]
            tax.plot(dx, dy, color=colour, lw=1.6, marker=".", ms=3, zorder=3)
            tax.plot(dx[-1], dy[-1], "o", color=colour, ms=5, zorder=4)
        tax.set_aspect("equal", adjustable="box")
        lim = 1.3 * reach
        tax.set_xlim(-lim, lim)
        tax.set_ylim(-lim, lim)
        tax.axhline(0, color="#F0F0F0", lw=0.6, zorder=0)
        tax.axvline(0, color="#F0F0F0", lw=0.6, zorder=0)
        tax.spines[["top", "right"]].set_visible(False)
        tax.set_xlabel("x")
        if i == 0:
            tax.set_ylabel("y")
        seed_note = f"seed {first['seed']}" + (f" (+{len(seeds) - 1} faint)" if all_seeds and len(seeds) > 1 else "")
        # Test metrics across seeds (mean ± SEM) go in the title, where they cannot hide a trajectory.
        title = f"{label}: drawn trajectories, {seed_note}"
        for row in ((("test_error", "test error"), ("endpoint_error", "endpoint error")),
                    (("dysmetria", "dysmetria"), ("stationary_path_length", "stationary path"))):
            parts = []
            for name, short in row:
                summary = metric_summary(seeds, name)
                if summary is not None:
                    parts.append(f"{short} {summary}")
            if parts:
                title += "\n" + "   ".join(parts)
        tax.set_title(title, fontsize=9, color=colour, linespacing=1.35)
        handles = [
            Line2D([], [], color=TARGET_COLOUR, ls="--", lw=1.2, marker="o", mfc="white", mec=TARGET_COLOUR,
                   markevery=[1], label="target (cue label at its end)"),
            Line2D([], [], color=colour, lw=1.6, marker="o", ms=5, markevery=[1], label="drawn (● end)"),
        ]
        tax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False,
                   fontsize=7.5)

    fig.suptitle(make_title(results), fontsize=11)

    # Write atomically: a temporary file in the destination directory, then rename over the target.
    out_dir = os.path.dirname(os.path.abspath(out_path))
    fd, tmp = tempfile.mkstemp(prefix=".plot_linedraw-", suffix=".png", dir=out_dir)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the PNG the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.12)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    finally:
        plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plot learning curves and drawn trajectories from a "
                                                 "ccrnn-linedraw results file.")
    parser.add_argument("input", help="results file (.h5) written by ccrnn-linedraw")
    parser.add_argument("--out", help="output PNG (default: the input path with .png)")
    parser.add_argument("--dpi", type=float, default=150, help="resolution of the PNG (default 150)")
    parser.add_argument("--all-seeds", action="store_true",
                        help="also draw every other seed's trajectories, faintly")
    args = parser.parse_args(argv)
    if args.dpi <= 0:
        parser.error("--dpi must be positive")

    out = args.out or os.path.splitext(args.input)[0] + ".png"
    try:
        results = read_results(args.input)
    except ResultsError as e:
        fail(str(e))
    out_dir = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(out_dir):
        fail(f"output directory '{out_dir}' does not exist")
    plot(results, out, args.dpi, args.all_seeds)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
