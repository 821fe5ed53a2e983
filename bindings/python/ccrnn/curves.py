"""Helpers for curves of several runs (e.g. one per seed)."""
import numpy as np


def stack_curves(runs, name):
    """(runs, epochs) array of the curve `name` of each run (run dicts or Results runs).

    Runs that stopped early are padded with NaN to the longest one."""
    curves = [np.asarray(run[name], dtype=float) for run in runs]
    if not curves:
        raise ValueError(f"stack_curves: no runs with a curve '{name}'")
    longest = max(len(c) for c in curves)
    out = np.full((len(curves), longest), np.nan)
    for i, c in enumerate(curves):
        out[i, : len(c)] = c
    return out


def mean_and_sem(values, axis=0):
    """Mean and standard error of the mean along `axis`, ignoring NaN: SEM is 0 where a single value is
    left, and both are NaN where none is (e.g. the unrecorded epochs of a recording curve)."""
    values = np.asarray(values, dtype=float)
    present = ~np.isnan(values)
    n = present.sum(axis=axis)
    total = np.where(present, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        deviations = np.where(present, values - np.expand_dims(mean, axis), 0.0)
        variance = (deviations ** 2).sum(axis=axis) / np.maximum(n - 1, 1)
        sem = np.where(n > 1, np.sqrt(variance / np.maximum(n, 1)), np.where(n == 1, 0.0, np.nan))
    return mean, sem
