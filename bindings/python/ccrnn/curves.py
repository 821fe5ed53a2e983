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
    """Mean and standard error of the mean along `axis`, ignoring NaN (SEM is 0 for a single value)."""
    values = np.asarray(values, dtype=float)
    mean = np.nanmean(values, axis=axis)
    n = np.sum(~np.isnan(values), axis=axis)
    std = np.nanstd(values, axis=axis, ddof=1) if values.shape[axis] > 1 else np.zeros_like(mean)
    with np.errstate(invalid="ignore", divide="ignore"):
        sem = np.where(n > 1, std / np.sqrt(np.maximum(n, 1)), 0.0)
    return mean, sem
