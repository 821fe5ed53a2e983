#!/usr/bin/python3
"""BP(lambda)'s toy task in plain numpy (float64), written from the equations of docs/bp-lambda.md, as an
independent check of ccrnn's numbers and of their spread over cortex draws (docs/bp-lambda.md, "Why our
lambda < 1 alignment was lower than the reference's").

The reference's configuration: a frozen linear cortex (N = 30, weights and biases U(+-1/sqrt(N)), bias the sum
of two draws, PyTorch-style readout), the 10-bit cue at t = 0, target (0, 1) at t = 9 only, a linear
synthesiser with bias and zero initial weights, gamma 1, sg_weight 1, per-step per-tensor update clip 1,
Adam (1e-4, 0.9, 0.98, 1e-9) once per batch, batch 10 (identical samples), 10 epochs of 100 batches.
Prints, per cortex, cos(g(h_t), true dL/dh_t) for t = 0..8 averaged over the last epoch's batches.

Usage: bp_lambda_toy_numpy.py LAMBDA FIRST_SEED SEEDS [--weights RESULTS.h5] [--perturb EPS]
  --weights: take each seed's cortex and readout from a ccrnn-train results file (ccrnn/seed_<seed>/weights)
  --perturb: multiply every cortical weight by (1 + EPS * N(0, 1)), e.g. 1e-7 for float32 rounding
"""
import argparse

import numpy as np

N, INPUTS, OUTPUTS, L, B, BATCHES = 30, 10, 2, 10, 10, 100
CUE = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 1], float)  # the reference's RandomState(123) cue
TARGET = np.array([0.0, 1.0])


def cortex(seed, weights):
    r = np.random.RandomState(seed)
    s = 1 / np.sqrt(N)
    w_ih, w_hh = r.uniform(-s, s, (N, INPUTS)), r.uniform(-s, s, (N, N))
    b = r.uniform(-s, s, N) + r.uniform(-s, s, N)
    w_out, b_out = r.uniform(-s, s, (OUTPUTS, N)), r.uniform(-s, s, OUTPUTS)
    if weights:
        import h5py
        with h5py.File(weights, "r") as f:
            w = f[f"ccrnn/seed_{seed}/weights/final"]
            get = lambda name: w[name][()].astype(float)
            w_ih, w_hh = get("cortex.weight_ih_l0"), get("cortex.weight_hh_l0")
            b = get("cortex.bias_ih_l0") + get("cortex.bias_hh_l0")
            w_out, b_out = get("readout.weight"), get("readout.bias")
    return w_ih, w_hh, b, w_out, b_out


def alignment(lam, seed, args):
    w_ih, w_hh, b, w_out, b_out = cortex(seed, args.weights)
    if args.perturb > 0:
        q = np.random.RandomState(1000 + seed)
        w_ih, w_hh, b, w_out, b_out = (x * (1 + args.perturb * q.randn(*x.shape)) for x in (w_ih, w_hh, b, w_out, b_out))
    h, prev = np.zeros((L, N)), np.zeros(N)
    for t in range(L):
        prev = w_ih @ (CUE if t == 0 else np.zeros(INPUTS)) + w_hh @ prev + b
        h[t] = prev
    immediate = np.zeros((L, N))  # l'_t = (1/B)(y_t - y*) W_out, at the last step only
    immediate[-1] = (w_out @ h[-1] + b_out - TARGET) / B @ w_out
    true = np.zeros((L, N))
    true[-1] = immediate[-1]
    for t in range(L - 2, -1, -1):
        true[t] = true[t + 1] @ w_hh  # J_t = W_hh for the linear cell
    gamma = 1.0
    params = [np.zeros((N, N)), np.zeros(N)]  # g(h) = A h + c, zero-initialised
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    cosines = []
    for step in range(1, args.epochs * BATCHES + 1):
        A, c = params
        g = h @ A.T + c
        g[-1] = 0  # no prediction after the last step
        if step > (args.epochs - 1) * BATCHES:
            norms = np.linalg.norm(g[:-1], axis=1) * np.linalg.norm(true[:-1], axis=1)
            cosines.append(np.where(norms > 0, (g[:-1] * true[:-1]).sum(1) / np.where(norms > 0, norms, 1), 0))
        grads = [np.zeros_like(p) for p in params]
        for t in range(1, L):
            delta = (immediate[t] + gamma * g[t]) @ w_hh - g[t - 1]
            # delta . E_t with E_t = sum_m (gamma lam)^m J^m dg(h_{t-1-m})/dtheta, where dg_i/dA_jk = [i = j] h_k
            update_a, update_c, v, decay = np.zeros((N, N)), np.zeros(N), delta.copy(), 1.0
            for m in range(t):
                update_a += decay * np.outer(v, h[t - 1 - m])
                update_c += decay * v
                v, decay = v @ w_hh, decay * gamma * lam
                if decay == 0:
                    break
            for grad, update in zip(grads, (update_a, update_c)):
                norm = np.linalg.norm(update)
                grad -= update / norm if norm > 1 else update  # the reference's per-step clip at norm 1
        for p, grad, (m, v) in zip(params, grads, moments):  # Adam, as torch.optim.Adam
            m *= 0.9
            m += 0.1 * grad
            v *= 0.98
            v += 0.02 * grad * grad
            p -= 1e-4 / (1 - 0.9 ** step) * m / (np.sqrt(v) / np.sqrt(1 - 0.98 ** step) + 1e-9)
    return np.mean(cosines, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lam", type=float)
    parser.add_argument("first_seed", type=int)
    parser.add_argument("seeds", type=int)
    parser.add_argument("--weights")
    parser.add_argument("--perturb", type=float, default=0.0)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        rows.append(alignment(args.lam, seed, args))
        print(f"lambda {args.lam} seed {seed}: " + " ".join(f"{x:6.3f}" for x in rows[-1]), flush=True)
    a = np.array(rows)
    sem = a.std(0, ddof=1) / np.sqrt(len(a)) if len(a) > 1 else np.zeros(a.shape[1])
    print("mean +- SEM t=0..8: " + " ".join(f"{m:.2f}+-{s:.2f}" for m, s in zip(a.mean(0), sem)))


if __name__ == "__main__":
    main()
