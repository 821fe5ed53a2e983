#!/usr/bin/env python3
"""Fuzzes ccrnn.read_results (Python, h5py) the way fuzz_results fuzzes ccrnn-report's reader: HDF5 files with
hostile structure and contents -- groups, datasets and attributes named from a results file's vocabulary,
every stored type, any rank, shapes declared far beyond what the file stores, strings that are not UTF-8,
dangling links -- then every accessor of the Results object. Random generation, not coverage-guided (no
libFuzzer for Python here). The rule is the C++ readers' (docs/fuzzing.md): succeed, or raise ResultsError
or FileNotFoundError naming the file; anything else is a finding, saved to --findings and reported.

    tests/fuzz/fuzz_read_results.py [--seconds N] [--seed S] [--findings DIR]

Reads bindings/python/ccrnn/results.py from the source tree (pure Python), so no build is needed."""
import argparse
import importlib.util
import pathlib
import random
import shutil
import sys
import tempfile
import time
import traceback

import h5py
import numpy as np

source = pathlib.Path(__file__).resolve().parents[2] / "bindings" / "python" / "ccrnn" / "results.py"
spec = importlib.util.spec_from_file_location("ccrnn_results", source)
results = importlib.util.module_from_spec(spec)
spec.loader.exec_module(results)

NAMES = ["runs", "run_00000", "run_00001", "run_x", "run_", "crnn", "ccrnn", "bptt", "seed_1", "seed_2", "seed_x",
         "seed_", "task", "seed", "model", "condition", "train_error", "val_error", "test_error", "option_names",
         "failed", "attrs"]
HUGE = [1 << 31, (1 << 32) + 1, 1 << 40]


def value(rng, dtype, shape):
    if dtype == "str":
        return np.array([rng.choice(["linedraw", "", "x" * 40, "é"]) for _ in range(int(np.prod(shape)))],
                        dtype=h5py.string_dtype()).reshape(shape)
    if dtype == "badbytes":
        return np.array([bytes([rng.randrange(128, 256)]) * 3 for _ in range(int(np.prod(shape)))], dtype="S3").reshape(shape)
    raw = np.frombuffer(rng.randbytes(int(np.prod(shape)) * np.dtype(dtype).itemsize), dtype=dtype)
    return raw.reshape(shape)


def build(path, rng):
    with h5py.File(path, "w") as f:
        groups = [f]
        for _ in range(rng.randrange(1, 40)):
            here = rng.choice(groups)
            name = rng.choice(NAMES)
            op = rng.randrange(5)
            dtype = rng.choice(["f4", "f8", "i8", "u1", "?", ">i4", "str", "badbytes"])
            shape = tuple(rng.randrange(0, 4) for _ in range(rng.randrange(0, 3)))
            try:
                if op == 0 and name not in here:
                    groups.append(here.create_group(name))
                elif op == 1 and name not in here:
                    if rng.random() < 0.1 and dtype not in ("str", "badbytes"):
                        big = tuple(rng.choice(HUGE) for _ in range(rng.randrange(1, 3)))
                        here.create_dataset(name, shape=big, dtype=dtype, chunks=tuple(1 for _ in big))
                    else:
                        here.create_dataset(name, data=value(rng, dtype, shape))
                elif op == 2:
                    here.attrs[name] = value(rng, dtype, shape if rng.random() < 0.3 else ())
                elif op == 3 and name not in here:
                    here[name] = h5py.SoftLink("/nowhere/" + name)
                elif op == 4 and name not in here:
                    here.create_dataset(name, data=value(rng, dtype, shape))
            except (ValueError, TypeError):  # a combination h5py itself refuses to write
                pass


def exercise(path):
    try:
        res = results.read_results(path)
        repr(res)
        for model in res.models:
            res.seeds(model)
            res.scalars(model)
            for curve in ("train_error", "val_error"):
                try:
                    res.curves(model, curve)
                except results.ResultsError:
                    pass
        if res.is_sweep:
            res.sweep_runs()
    except (results.ResultsError, FileNotFoundError):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--findings", default="fuzz-findings/read_results")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    findings = pathlib.Path(args.findings)
    work = pathlib.Path(tempfile.mkdtemp(prefix="ccrnn_fuzz_py_"))
    start, inputs, found = time.time(), 0, {}
    try:
        while time.time() - start < args.seconds:
            path = work / "results.h5"
            build(path, rng)
            inputs += 1
            try:
                exercise(path)
            except Exception as error:  # a finding: keep one file per kind of error
                kind = f"{type(error).__name__} at {traceback.extract_tb(error.__traceback__)[-1].lineno}"
                if kind not in found:
                    findings.mkdir(parents=True, exist_ok=True)
                    kept = findings / f"finding_{len(found)}.h5"
                    shutil.copy(path, kept)
                    found[kind] = f"{kept}: {type(error).__name__}: {error}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.time() - start
    status = "FINDING" if found else "ok"
    print(f"fuzz {'read_results (py)':<18} {status:<7} {inputs:>10} inputs {inputs / seconds:7.0f} exec/s")
    for line in found.values():
        print("  " + line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
