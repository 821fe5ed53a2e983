#!/usr/bin/python3
"""BP(lambda)'s toy task (Pemberton & Costa 2024; ../shared/docs/BP_LAMBDA.md section 6) as a trials file
(docs/trials-format.md), so that `ccrnn-train --task trials` trains it.

L = 10 steps; a fixed 10-bit cue at t = 0 (the binary digits of numpy.random.RandomState(123).choice(2**10),
right-aligned, as the reference's define_inputs with one point), zeros after, no noise; the target (0, 1),
the reference's single circle point with magnitude 1, supervised at the last step only. Every trial is the
same; `--trials-per-split` copies per split (the reference: 10 epochs x 100 batches of 10).

Usage: make_bp_lambda_toy.py OUT.h5 [--trials-per-split 1000]
"""
import argparse
import os
import sys
import tempfile

import h5py
import numpy as np

LENGTH, BITS = 10, 10


def toy_arrays(trials):
    number = np.random.RandomState(123).choice(2**BITS, size=1, replace=False)[0]
    digits = [int(x) for x in bin(number)[2:]]
    cue = np.zeros(BITS, dtype=np.float32)
    cue[BITS - len(digits):] = digits
    inputs = np.zeros((LENGTH, trials, BITS), dtype=np.float32)
    inputs[0, :, :] = cue
    targets = np.zeros((LENGTH, trials, 2), dtype=np.float32)
    targets[-1, :, :] = (0.0, 1.0)
    mask = np.zeros((LENGTH, trials), dtype=bool)
    mask[-1, :] = True
    return inputs, targets, mask


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="trials file to write (refused if it exists)")
    parser.add_argument("--trials-per-split", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.trials_per_split < 1:
        parser.error("--trials-per-split must be >= 1")
    if os.path.exists(args.out):
        print(f"make_bp_lambda_toy.py: {args.out} exists; not overwriting it", file=sys.stderr)
        return 1
    inputs, targets, mask = toy_arrays(args.trials_per_split)
    directory = os.path.dirname(os.path.abspath(args.out))
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    os.close(handle)
    try:
        with h5py.File(temporary, "w") as f:
            f.attrs["description"] = "BP(lambda) toy: fixed 10-bit cue at t=0, target (0, 1) at t=9 only"
            for split in ("train", "validation", "test"):
                f[f"{split}/inputs"] = inputs
                f[f"{split}/targets"] = targets
                f[f"{split}/mask"] = mask
        os.replace(temporary, args.out)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
