#!/usr/bin/env python3
"""Compares two results files (or two directories of them, file by file) bit for bit, ignoring what
legitimately differs between two runs of the same computation: the creation time, wall-clock seconds,
timings, the build's identity (commit, version) and the output path (`out`). Used to show that a
speed-up moves no number.

Usage: bench/compare_results.py BEFORE AFTER   (two .h5 files, or two directories of .h5 files)
Prints each difference and a count; exit 0 when there are none, 1 otherwise, 2 for bad arguments.
"""
import os
import sys

import h5py
import numpy as np

# Attributes and datasets whose names contain one of these words record when, how long or with which
# build a run was made, not what it computed.
IGNORED_WORDS = ("created", "seconds", "per_second", "time", "timing", "commit", "version", "host", "elapsed")
IGNORED_NAMES = ("out",)  # where the file was written


def ignored(name):
    leaf = name.rsplit("/", 1)[-1].lower()
    return leaf in IGNORED_NAMES or any(word in leaf for word in IGNORED_WORDS)


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind in "fc":  # bit for bit, NaNs included
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def compare_attrs(path, a, b, out):
    for key in sorted(set(a.attrs) | set(b.attrs)):
        if ignored(key):
            continue
        if key not in a.attrs or key not in b.attrs:
            out.append(f"{path}@{key}: only in {'after' if key not in a.attrs else 'before'}")
        elif not same_value(a.attrs[key], b.attrs[key]):
            out.append(f"{path}@{key}: {a.attrs[key]!r} != {b.attrs[key]!r}")


def compare_files(before, after):
    out = []
    with h5py.File(before, "r") as fa, h5py.File(after, "r") as fb:
        names_a, names_b = [], []
        fa.visit(names_a.append)
        fb.visit(names_b.append)
        compare_attrs("/", fa, fb, out)
        for name in sorted(set(names_a) | set(names_b)):
            if ignored(name):
                continue
            if name not in fa or name not in fb:
                out.append(f"/{name}: only in {'after' if name not in fa else 'before'}")
                continue
            a, b = fa[name], fb[name]
            compare_attrs("/" + name, a, b, out)
            if isinstance(a, h5py.Dataset) and not same_value(a[()], b[()]):
                out.append(f"/{name}: values differ")
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    before, after = argv[1], argv[2]
    if os.path.isdir(before) != os.path.isdir(after):
        print("compare_results: give two files or two directories", file=sys.stderr)
        return 2
    if os.path.isdir(before):
        names = sorted(f for f in set(os.listdir(before)) | set(os.listdir(after)) if f.endswith(".h5"))
        pairs = [(os.path.join(before, f), os.path.join(after, f)) for f in names]
    else:
        pairs = [(before, after)]
    total = 0
    for a, b in pairs:
        if not (os.path.exists(a) and os.path.exists(b)):
            print(f"{a} / {b}: missing on one side")
            total += 1
            continue
        differences = compare_files(a, b)
        total += len(differences)
        print(f"{os.path.basename(a)}: {len(differences)} differences")
        for d in differences[:20]:
            print("  " + d)
    print(f"{len(pairs)} file pairs, {total} differences")
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
