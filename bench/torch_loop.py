#!/usr/bin/python3
"""
torch_loop.py -- a PyTorch (CPU) implementation of ccrnn's cortico-cerebellar loop (the cerebellum as a
forward model: Pemberton, Chadderton & Costa 2024; docs/forward-model.md, FORWARD_MODEL.md of the shared
docs), the peer that bench/compare_torch_loop.sh times ccrnn's loop tasks against and that
tests/python/test_torch_loop.py checks ccrnn's gradients with.

  cortex      : leaky tanh rate RNN, u_t = alpha u_{t-1} + W_hh f(u_{t-1}) + W_ih [x_t; c_t], f = tanh,
                u_{-1} = 0, no biases (alpha = 0.1, N = 50); readout z_t = W f(u_t) + b
  cerebellum  : c_t = W_PF ReLU(W_MF f(u_{t-1})) (M = 1000 granule cells, no biases, PyTorch's default
                initialisation); its input and output are detached: no gradient crosses the loop; for a
                classification task the cortex receives softmax(c_t)
  inferior    : c_t is taught the task target of step t - 1 + tau (tau = 3; ccrnn's --io-timing reference):
  olive         per step MSE(mean) for regression, cross-entropy(mean over the step's labelled samples) for
                classification, summed over the taught steps
  task loss   : MSE(mean) over all steps (line drawing), cross-entropy at the last step (evidence)
  training    : one backward() of task loss + cerebellar loss and one Adam step (0.9, 0.98, eps 1e-9,
                lr 1e-3, no clipping) per batch of 10 over what learns: the readout and the cerebellum
                (ccrnn's default --cortical-plasticity fixed); --plastic-cortex also trains W_ih, W_hh by
                BPTT through the trial (ccrnn's 'all')
  tasks       : loopdraw: 1000 trials of 20 steps per epoch, 10-bit cue at t = 0, 6 slow-fast-slow lines;
                evidence: 800 trials of 50 steps, 2 channels, puff density 0.3, last 5 steps silent,
                3 classes; N(0, 0.1^2) noise on every input entry. Fresh trials every epoch.

Usage:
  /usr/bin/python3 bench/torch_loop.py --task loopdraw --epochs 4 --threads 1
      prints 'task=loopdraw ... sec_per_epoch=S cpu_sec_per_epoch=C' (medians of wall-clock and CPU time
      over the epochs after the first, a warm-up; an epoch includes drawing its trials, as ccrnn-bench-loop's)
"""

import argparse
import math
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Per task: trial length, input and output sizes, trials per epoch, task loss.
TASKS = {
    'loopdraw': dict(length=20, n_in=10, n_out=2, n_train=1000, loss='mse'),
    'evidence': dict(length=50, n_in=2, n_out=3, n_train=800, loss='xent'),
}

# The line-drawing cues: 10-bit patterns of these numbers, most significant bit first (docs/forward-model.md).
CUE_NUMBERS = (833, 990, 789, 235, 945, 965)


def loopdraw_cues():
    """(6, 10) 0/1 cue patterns, one per condition."""
    return np.array([[(n >> (9 - k)) & 1 for k in range(10)] for n in CUE_NUMBERS], dtype=np.float64)


def loopdraw_paths(length=20):
    """(6, length, 2): condition 0 stays at the origin, k = 1..5 goes to (sin 72(k-1) deg, cos 72(k-1) deg)
    along p_t = e (1 - cos(pi t / (L-1))) / 2."""
    profile = (1 - np.cos(np.pi * np.arange(length) / (length - 1))) / 2
    ends = [(0.0, 0.0)] + [(math.sin(math.radians(72 * k)), math.cos(math.radians(72 * k))) for k in range(5)]
    return np.stack([profile[:, None] * np.array(e)[None, :] for e in ends])


def loopdraw_batch(rng, size, length=20, noise=0.1):
    """x (L, B, 10): the cue at t = 0, zeros after, N(0, noise^2) on every entry; y (L, B, 2) the paths."""
    conditions = rng.integers(0, 6, size)
    x = np.zeros((length, size, 10))
    x[0] = loopdraw_cues()[conditions]
    x += rng.normal(0.0, noise, x.shape)
    y = loopdraw_paths(length)[conditions].transpose(1, 0, 2)
    return x, y


def evidence_batch(rng, size, length=50, channels=2, density=0.3, delay=5, noise=0.1):
    """x (L, B, channels): at each step before the last `delay` one random channel puffs (1) with
    probability `density`, N(0, noise^2) on every entry; labels (B,): 1 + the channel with more puffs, 0 if
    tied (asked for at the last step)."""
    puffs = np.zeros((length, size, channels))
    active = length - delay
    which = rng.integers(0, channels, (active, size))
    puff = rng.random((active, size)) < density
    rows, cols = np.nonzero(puff)
    puffs[rows, cols, which[rows, cols]] = 1.0
    counts = puffs.sum(axis=0)
    labels = np.where(counts[:, 0] == counts[:, 1], 0, 1 + counts.argmax(axis=1))
    return puffs + rng.normal(0.0, noise, puffs.shape), labels


class CorticoCerebellarLoop(nn.Module):
    """The leaky tanh cortex, its readout and the forward cerebellum fed back into the cortex."""

    def __init__(self, n_in, n_out, hidden=50, granules=1000, alpha=0.1, tau=3, classify=False,
                 plastic_cortex=False):
        super().__init__()
        self.alpha, self.tau, self.classify = alpha, tau, classify
        bound = 1.0 / math.sqrt(hidden)
        # [x_t; c_t] columns, as ccrnn's cortex.weight_ih_l0
        self.weight_ih = nn.Parameter(torch.empty(hidden, n_in + n_out).uniform_(-bound, bound),
                                      requires_grad=plastic_cortex)
        self.weight_hh = nn.Parameter(torch.empty(hidden, hidden).uniform_(-bound, bound),
                                      requires_grad=plastic_cortex)
        self.readout = nn.Linear(hidden, n_out)
        self.mossy = nn.Linear(hidden, granules, bias=False)
        self.parallel = nn.Linear(granules, n_out, bias=False)

    def cerebellum(self, r):
        return self.parallel(F.relu(self.mossy(r)))

    def forward(self, x):
        """x (L, B, I) -> readouts (L, B, O), cerebellar predictions (L, B, O) (c_t in row t)."""
        length, batch, _ = x.shape
        n = self.weight_hh.shape[0]
        u = x.new_zeros(batch, n)
        r = x.new_zeros(batch, n)
        rates, predictions = [], []
        for t in range(length):
            c = self.cerebellum(r.detach())
            fed = (F.softmax(c, dim=1) if self.classify else c).detach()
            u = self.alpha * u + r @ self.weight_hh.T + torch.cat([x[t], fed], dim=1) @ self.weight_ih.T
            r = torch.tanh(u)
            rates.append(r)
            predictions.append(c)
        return self.readout(torch.stack(rates)), torch.stack(predictions)

    def losses(self, x, y=None, labels=None):
        """(task loss, cerebellar loss) of a batch: y (L, B, O) regression targets or labels (B,) at the last step."""
        z, c = self(x)
        length = x.shape[0]
        if self.classify:
            task = F.cross_entropy(z[-1], labels)
            # only the last step has a label: c_t with t - 1 + tau = L - 1
            cerebellar = F.cross_entropy(c[length - self.tau], labels)
        else:
            task = F.mse_loss(z, y)
            cerebellar = sum(F.mse_loss(c[t], y[t - 1 + self.tau]) for t in range(length - self.tau + 1))
        return task, cerebellar


def make_model(task, plastic_cortex=False, dtype=torch.float32):
    spec = TASKS[task]
    return CorticoCerebellarLoop(spec['n_in'], spec['n_out'], classify=spec['loss'] == 'xent',
                                 plastic_cortex=plastic_cortex).to(dtype)


def draw(task, rng, size):
    """A batch of fresh trials as torch float32 tensors: (x, y, None) or (x, None, labels)."""
    if task == 'loopdraw':
        x, y = loopdraw_batch(rng, size)
        return torch.from_numpy(x).float(), torch.from_numpy(y).float(), None
    x, labels = evidence_batch(rng, size)
    return torch.from_numpy(x).float(), None, torch.from_numpy(labels)


def train_epoch(task, model, optimizer, rng, batch=10):
    for _ in range(TASKS[task]['n_train'] // batch):
        x, y, labels = draw(task, rng, batch)
        optimizer.zero_grad()
        task_loss, cerebellar_loss = model.losses(x, y, labels)
        (task_loss + cerebellar_loss).backward()
        optimizer.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--task', choices=sorted(TASKS), default='loopdraw')
    parser.add_argument('--epochs', type=int, default=4, help='epochs timed; the first is a warm-up (>= 2)')
    parser.add_argument('--threads', type=int, default=1, help='torch.set_num_threads')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--plastic-cortex', action='store_true', help='W_ih and W_hh learn too (BPTT)')
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error('--epochs must be >= 2 (the first epoch is a warm-up)')
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = make_model(args.task, args.plastic_cortex)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3,
                                 betas=(0.9, 0.98), eps=1e-9)
    rng = np.random.default_rng(args.seed)
    wall, cpu = [], []
    for _ in range(args.epochs):
        start, cpu_start = time.perf_counter(), time.process_time()
        train_epoch(args.task, model, optimizer, rng)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    print(f"task={args.task} threads={args.threads} epochs={args.epochs} "
          f"sec_per_epoch={statistics.median(wall[1:]):.4f} cpu_sec_per_epoch={statistics.median(cpu[1:]):.4f}")


if __name__ == '__main__':
    main()
