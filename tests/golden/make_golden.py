#!/usr/bin/python3
"""Golden numbers for the ccrnn C++ test suite (float64, PyTorch autograd).

Regenerate (developers only; the test suite reads the committed text files and
does not need torch) from the repository root with Debian's python/torch:

    /usr/bin/python3 tests/golden/make_golden.py tests/golden

It writes three files into the given directory:

    lstm_ccrnn_mse.txt   LSTM cortex + cerebellum, MSE, sparse feedback every 2nd step
    lstm_ccrnn_xent.txt  LSTM cortex + cerebellum, cross-entropy at the last step
    lstm_crnn_mse.txt    the cRNN (no cerebellum) on exactly the same data and
                         cortex/readout parameters as lstm_ccrnn_mse.txt

Each file holds one batch of truncated BPTT (docs/ALGORITHM.md sections 2-6):
B=4, L=7, I=3, N=5, T=2 (windows [0,2) [2,4) [4,6) [6,7)), gamma=0.1,
cerebellum 2N -> 6 (ReLU) -> 6 (ReLU) -> 2N on s=[h; c] with ALL of its weights
and biases drawn from N(0, 0.3^2) (last layer not zero, so the bootstrapped term
of the targets is exercised), followed by one clip_grad_norm_ (clip active) and
one Adam step.

File format: '#' comment lines, then per tensor
    tensor <name> <ndim> <d0> ... <d_{ndim-1}>
    <prod(d) values, row-major, %.17g, any number per line>
(a scalar has ndim 0 and one value).  Reader: tests/support/golden_file.hpp.

Before writing, the script checks itself against an independent computation
(hand-written LSTM cell, autograd per window with the end-of-window synthetic
gradient held fixed, central finite differences, hand-written clip and Adam)
and prints OK.
"""

import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

# ---------------------------------------------------------------- constants --
B, L, I, N, M = 4, 7, 3, 5, 6
T = 2
GAMMA = 0.1
SPARSE = 2                      # mse: supervised steps t with t % 2 == 0
LR = 1e-2
BETA1, BETA2, EPS = 0.9, 0.98, 1e-9
CLIP = 0.1
CEREB_STD = 0.3
W = -(-L // T)                  # number of windows, ceil(L / T)

# The cerebellum seeds were picked (once, by a scan over seeds) so that every
# granule unit of both hidden layers is active on some of the evaluated states
# (most are active on some and silent on others) and no ReLU pre-activation is
# within 1e-3 of the kink; make_one() asserts the former, verify() the latter.
SCENARIOS = [
    # file name, task, with cerebellum, parameter seed, cerebellum seed, data seed
    ('lstm_ccrnn_mse.txt', 'mse', True, 20240501, 1774, 777),
    ('lstm_ccrnn_xent.txt', 'xent', True, 20240502, 2810, 778),
    ('lstm_crnn_mse.txt', 'mse', False, 20240501, None, 777),  # = ccrnn_mse
]


# -------------------------------------------------------------------- model --
class Cerebellum(nn.Module):
    """2N -> M (ReLU) -> M (ReLU) -> 2N."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2 * N, M), nn.Linear(M, M),
                                     nn.Linear(M, 2 * N)])

    def forward(self, s):
        z = s
        for k, lin in enumerate(self.layers):
            z = lin(z)
            if k + 1 < len(self.layers):
                z = torch.relu(z)
        return z


class Net(nn.Module):
    def __init__(self, out_size, seed, cereb_seed):
        super().__init__()
        torch.manual_seed(seed)
        self.cortex = nn.LSTM(I, N, num_layers=1, batch_first=True)
        self.readout = nn.Linear(N, out_size)
        self.cerebellum = None
        if cereb_seed is not None:
            self.cerebellum = Cerebellum()
            gen = torch.Generator().manual_seed(cereb_seed)
            with torch.no_grad():
                for p in self.cerebellum.parameters():
                    p.normal_(0.0, CEREB_STD, generator=gen)


def make_data(task, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(B, L, I, generator=gen)
    if task == 'mse':
        y = torch.randn(B, L, 2, generator=gen)
        supervised = torch.tensor([1.0 if t % SPARSE == 0 else 0.0
                                   for t in range(L)])
    else:
        y = torch.randint(0, 4, (B,), generator=gen)
        supervised = torch.tensor([1.0 if t == L - 1 else 0.0
                                   for t in range(L)])
    return x, y, supervised


def window_task_loss(task, pred, y, a, b):
    """task loss of window [a, b) given its readout pred (B, b-a, D); None if
    the window carries no supervision."""
    if task == 'mse':
        steps = [t - a for t in range(a, b) if t % SPARSE == 0]
        if not steps:
            return None
        idx = torch.tensor(steps)
        return F.mse_loss(pred.index_select(1, idx),
                          y[:, a:b].index_select(1, idx))
    if b == L:
        return F.cross_entropy(pred[:, -1], y)
    return None


# ---------------------------------------------------- the algorithm (sec. 4) --
def train_batch(net, task, x, y):
    """One batch of truncated BPTT.  Accumulates .grad of every parameter and
    returns the recorded quantities."""
    cc = net.cerebellum is not None
    s = x.new_zeros(B, 2 * N)
    rec = dict(states=[s.clone()], outputs=[], targets=[], pred_start=[],
               pred_end=[], loss=0.0)
    for w in range(W):
        a, b = w * T, min((w + 1) * T, L)
        s0 = s.detach().requires_grad_(True)
        hc = (s0[:, :N].unsqueeze(0).contiguous(),
              s0[:, N:].unsqueeze(0).contiguous())
        hs = []
        for t in range(a, b):
            out, hc = net.cortex(x[:, t:t + 1], hc)
            hs.append(out[:, 0])
            rec['states'].append(torch.cat([hc[0][0], hc[1][0]], 1).detach())
        s1 = torch.cat([hc[0][0], hc[1][0]], 1)
        pred = net.readout(torch.stack(hs, 1))
        rec['outputs'].append(pred.detach())
        objective = None
        wloss = window_task_loss(task, pred, y, a, b)
        if wloss is not None:
            objective = wloss
            rec['loss'] += wloss.item()
        if cc:
            # synthetic gradient injected at the end state, a constant
            with torch.no_grad():
                c_end = net.cerebellum(s1)
            rec['pred_end'].append(c_end.clone())
            inj = GAMMA * (c_end * s1).sum()      # d inj / d s1 = gamma*C(s1)
            objective = inj if objective is None else objective + inj
        if objective is not None:
            objective.backward()
        if cc:
            delta0 = s0.grad.detach().clone()
            rec['targets'].append(delta0)
            c_start = net.cerebellum(s0.detach())
            rec['pred_start'].append(c_start.detach().clone())
            ((c_start - delta0) ** 2).sum().backward()
        s = s1.detach()
    rec['states'] = torch.stack(rec['states'], 0)              # (L+1, B, 2N)
    rec['outputs'] = torch.cat(rec['outputs'], 1)               # (B, L, D)
    if cc:
        for k in ('targets', 'pred_start', 'pred_end'):
            rec[k] = torch.stack(rec[k], 0)                     # (W, B, 2N)
    return rec


# ------------------------------------------------ independent verification --
def hand_lstm(params, s, xs):
    """hand-written LSTM (gate order i, f, g, o); returns h per step and the
    state [h; c] after every step."""
    wih, whh = params['cortex.weight_ih_l0'], params['cortex.weight_hh_l0']
    bias = params['cortex.bias_ih_l0'] + params['cortex.bias_hh_l0']
    h, c = s[:, :N], s[:, N:]
    hs, ss = [], []
    for t in range(xs.shape[1]):
        z = xs[:, t] @ wih.t() + h @ whh.t() + bias
        ig = torch.sigmoid(z[:, 0:N])
        fg = torch.sigmoid(z[:, N:2 * N])
        gg = torch.tanh(z[:, 2 * N:3 * N])
        og = torch.sigmoid(z[:, 3 * N:4 * N])
        c = fg * c + ig * gg
        h = og * torch.tanh(c)
        hs.append(h)
        ss.append(torch.cat([h, c], 1))
    return torch.stack(hs, 1), ss


def hand_cerebellum(params, s, check_kinks=False):
    z = s
    for k in range(3):
        z = z @ params['cerebellum.layers.%d.weight' % k].t() + \
            params['cerebellum.layers.%d.bias' % k]
        if k < 2:
            if check_kinks:
                # keep the golden numbers away from ReLU's kink
                assert z.abs().min().item() > 1e-3, 'ReLU pre-activation near 0'
            z = torch.clamp(z, min=0.0)
    return z


def window_objective(params, task, x, y, s0, a, b, c_end_fixed):
    """window task loss + gamma*<C(s1) held fixed, s1>, hand-written model."""
    hs, ss = hand_lstm(params, s0, x[:, a:b])
    pred = hs @ params['readout.weight'].t() + params['readout.bias']
    val = window_task_loss(task, pred, y, a, b)
    if c_end_fixed is not None:
        inj = GAMMA * (c_end_fixed * ss[-1]).sum()
        val = inj if val is None else val + inj
    return val, pred, ss


def rel_err(a, b):
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    scale = b.abs().max().item()
    return (a - b).abs().max().item() / (scale if scale > 0 else 1.0)


def verify(name, task, cc, params0, x, y, rec, grads):
    """recompute everything with the hand-written model and compare."""
    tol = 1e-11
    p = {k: v.detach().clone().requires_grad_(True) for k, v in params0.items()}
    cort = [k for k in p if not k.startswith('cerebellum.')]
    gsum = {k: torch.zeros_like(p[k]) for k in cort}
    s = x.new_zeros(B, 2 * N)
    states, outputs, targets, starts, c_ends = [s], [], [], [], []
    loss = 0.0
    for w in range(W):
        a, b = w * T, min((w + 1) * T, L)
        s0 = s.detach().clone().requires_grad_(True)
        with torch.no_grad():
            _, ss = hand_lstm(p, s0, x[:, a:b])
            c_end = hand_cerebellum(p, ss[-1], check_kinks=True) if cc else None
        val, pred, ss = window_objective(p, task, x, y, s0, a, b, c_end)
        wl = window_task_loss(task, pred, y, a, b)
        if wl is not None:
            loss += wl.item()
        outputs.append(pred.detach())
        states.extend(v.detach() for v in ss)
        if val is not None:
            g = torch.autograd.grad(val, [s0] + [p[k] for k in cort],
                                    allow_unused=True)
            delta0 = g[0]
            for k, gk in zip(cort, g[1:]):
                if gk is not None:      # readout unused in xent's early windows
                    gsum[k] += gk
        else:
            delta0 = torch.zeros_like(s0)
        if cc:
            targets.append(delta0.detach())
            starts.append(s0.detach())
            c_ends.append(c_end)
            # central finite differences of the window objective w.r.t. s0
            gen = torch.Generator().manual_seed(100 + w)
            for _ in range(3):
                bi = int(torch.randint(B, (1,), generator=gen))
                j = int(torch.randint(2 * N, (1,), generator=gen))
                h = 1e-6
                sp, sm = s0.detach().clone(), s0.detach().clone()
                sp[bi, j] += h
                sm[bi, j] -= h
                with torch.no_grad():
                    fp = window_objective(p, task, x, y, sp, a, b, c_end)[0].item()
                    fm = window_objective(p, task, x, y, sm, a, b, c_end)[0].item()
                fd = (fp - fm) / (2 * h)
                gmax = delta0.abs().max().item()
                assert abs(fd - delta0[bi, j].item()) <= 1e-6 * gmax + 1e-9, \
                    (name, w, fd, delta0[bi, j].item())
        s = ss[-1].detach()

    def check(what, a, b, t=tol):
        e = rel_err(a, b)
        assert e <= t, '%s: %s mismatch, rel err %.3e' % (name, what, e)

    check('states', rec['states'], torch.stack(states, 0))
    check('outputs', rec['outputs'], torch.cat(outputs, 1))
    assert abs(rec['loss'] - loss) <= tol * abs(loss), (name, rec['loss'], loss)
    for k in cort:
        check('grad.' + k, grads[k], gsum[k])
    if cc:
        check('targets (delta0)', rec['targets'], torch.stack(targets, 0))
        with torch.no_grad():
            check('predictions_start', rec['pred_start'],
                  torch.stack([hand_cerebellum(p, s_, True) for s_ in starts]))
        check('predictions_end', rec['pred_end'], torch.stack(c_ends, 0))
        cer = [k for k in p if k.startswith('cerebellum.')]
        sse = sum(((hand_cerebellum(p, s_) - d_) ** 2).sum()
                  for s_, d_ in zip(starts, targets))
        gcer = torch.autograd.grad(sse, [p[k] for k in cer])
        for k, gk in zip(cer, gcer):
            check('grad.' + k, grads[k], gk)
        # the bootstrap must matter: targets differ from the gamma-free ones
        assert rec['pred_end'].abs().max().item() > 0.1
    # finite differences on a few cortex/readout parameter gradients: the sum
    # over windows of d(window objective)/d theta with s0 and C(s1) fixed
    gen = torch.Generator().manual_seed(7)
    for k in cort:
        flat = int(torch.randint(p[k].numel(), (1,), generator=gen))
        h = 1e-6
        tot = 0.0
        for sign in (1.0, -1.0):
            q = {kk: vv.detach().clone() for kk, vv in p.items()}
            q[k].view(-1)[flat] += sign * h
            acc = 0.0
            with torch.no_grad():
                for w in range(W):
                    a, b = w * T, min((w + 1) * T, L)
                    ce = c_ends[w] if cc else None
                    v = window_objective(q, task, x, y, states[a], a, b, ce)[0]
                    acc += 0.0 if v is None else v.item()
            tot += sign * acc
        fd = tot / (2 * h)
        g = grads[k].reshape(-1)[flat].item()
        assert abs(fd - g) <= 1e-6 * grads[k].abs().max().item() + 1e-9, \
            (name, k, fd, g)


# --------------------------------------------------------------- file output --
def fmt(v):
    s = '%.17g' % v
    assert float(s) == v
    return s


def write_golden(path, comments, tensors):
    lines = ['# ' + c for c in comments]
    for name, t in tensors:
        t = torch.as_tensor(t, dtype=torch.float64).detach().contiguous()
        dims = list(t.shape)
        lines.append('tensor %s %d%s' % (name, len(dims),
                                         ''.join(' %d' % d for d in dims)))
        vals = [fmt(v) for v in t.reshape(-1).tolist()]
        per = dims[-1] if dims and 0 < dims[-1] <= 10 else 8
        for i in range(0, len(vals), per):
            lines.append(' '.join(vals[i:i + per]))
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def read_golden(path):
    """minimal reader used to check what was written."""
    out, cur, need, vals = {}, None, 0, []
    with open(path) as f:
        for line in f:
            tok = line.split()
            if not tok or tok[0].startswith('#'):
                continue
            if need == 0 and cur is None:
                assert tok[0] == 'tensor'
                dims = [int(d) for d in tok[3:]]
                assert len(dims) == int(tok[2])
                cur, need, vals = (tok[1], dims), math.prod(dims), []
            else:
                vals.extend(float(v) for v in tok)
                assert len(vals) <= need
            if cur is not None and len(vals) == need:
                out[cur[0]] = torch.tensor(vals).reshape(cur[1])
                cur, need = None, 0
    assert cur is None
    return out


# ---------------------------------------------------------------------- main --
def make_one(outdir, fname, task, cc, pseed, cseed, dseed):
    D = 2 if task == 'mse' else 4
    net = Net(D, pseed, cseed if cc else None)
    x, y, supervised = make_data(task, dseed)
    names = [k for k, _ in net.named_parameters()]
    params0 = {k: v.detach().clone() for k, v in net.named_parameters()}
    opt = torch.optim.Adam(net.parameters(), lr=LR, betas=(BETA1, BETA2),
                           eps=EPS)
    opt.zero_grad(set_to_none=False)
    rec = train_batch(net, task, x, y)
    grads = {k: v.grad.detach().clone() for k, v in net.named_parameters()}
    verify(fname, task, cc, params0, x, y, rec, grads)
    if cc:   # no dead granule unit: every hidden bias gets a gradient
        for k in ('cerebellum.layers.0.bias', 'cerebellum.layers.1.bias'):
            assert (grads[k] != 0).all(), (fname, k, grads[k])

    grad_norm = nn.utils.clip_grad_norm_(net.parameters(), CLIP).item()
    hand_norm = math.sqrt(sum((g ** 2).sum().item() for g in grads.values()))
    assert abs(grad_norm - hand_norm) <= 1e-12 * hand_norm
    assert grad_norm > CLIP * 1.5, 'clipping must be active (%g)' % grad_norm
    clip_coef = CLIP / (grad_norm + 1e-6)     # torch's definition
    clipped = {k: v.grad.detach().clone() for k, v in net.named_parameters()}
    opt.step()
    after = {k: v.detach().clone() for k, v in net.named_parameters()}
    for k in names:   # hand-written clip + first Adam step
        g = grads[k] * clip_coef
        assert rel_err(clipped[k], g) <= 1e-13
        m = (1 - BETA1) * g / (1 - BETA1)
        v = (1 - BETA2) * g * g / (1 - BETA2)
        ref = params0[k] - LR * m / (v.sqrt() + EPS)
        assert (after[k] - ref).abs().max().item() <= 1e-14, k

    report = None
    if task == 'mse':
        err = 0.0
        for t in range(L):
            if t % SPARSE == 0:
                d = rec['outputs'][:, t] - y[:, t]
                err += (d ** 2).sum(1).mean().item()
        report = err / L

    comments = [
        'generated by tests/golden/make_golden.py (float64, torch %s); do not edit.'
        % torch.__version__,
        'regenerate: /usr/bin/python3 tests/golden/make_golden.py tests/golden',
        'scenario: %s, %s, B=%d L=%d I=%d N=%d D=%d T=%d W=%d gamma=%g'
        % ('ccRNN (LSTM + cerebellum 2N->%d->%d->2N, ReLU)' % (M, M) if cc
           else 'cRNN (LSTM only)', task, B, L, I, N, D, T, W, GAMMA),
        'state s = [h; c] (h first); LSTM gate order i,f,g,o; two biases.',
        ('loss: mse over supervised steps t %% %d == 0 per window (batch, steps, '
         'dims mean)' % SPARSE) if task == 'mse' else
        'loss: cross-entropy (batch mean) of the readout at step L-1 (last window)',
        'loss = sum of window task losses; grad.* = raw accumulated gradients'
        ' (before clipping)',
        'clipped.* = grad.* * clip_coef, clip_coef = clip/(grad_norm+1e-6)'
        ' (torch clip_grad_norm_)',
        'after.* = parameters after clip_grad_norm_(all, clip) and one Adam step'
        ' (lr, beta1, beta2, eps)',
    ]
    if cc:
        comments += [
            'targets[w] = delta0 (total gradient at window start state s0_w),'
            ' predictions_start[w] = C(s0_w),',
            'predictions_end[w] = C(s1_w) (injected as gamma*C(s1_w), also after'
            ' the last window); cerebellar loss sum (C(s0)-delta0)^2',
        ]
    comments.append('states[t] = [h_t; c_t] at step boundary t = 0..L;'
                    ' outputs = readout at every step')

    tensors = [('x', x), ('y', y.double()), ('supervised', supervised),
               ('B', B), ('L', L), ('T', T), ('gamma', GAMMA), ('lr', LR),
               ('clip', CLIP), ('beta1', BETA1), ('beta2', BETA2), ('eps', EPS)]
    tensors += [(k, params0[k]) for k in names]
    tensors += [('grad.' + k, grads[k]) for k in names]
    tensors += [('loss', rec['loss'])]
    if report is not None:
        tensors += [('report_error', report)]
    tensors += [('grad_norm', grad_norm), ('clip_coef', clip_coef)]
    if cc:
        tensors += [('targets', rec['targets']),
                    ('predictions_start', rec['pred_start']),
                    ('predictions_end', rec['pred_end'])]
    tensors += [('states', rec['states']), ('outputs', rec['outputs'])]
    tensors += [('clipped.' + k, clipped[k]) for k in names]
    tensors += [('after.' + k, after[k]) for k in names]

    path = os.path.join(outdir, fname)
    write_golden(path, comments, tensors)
    back = read_golden(path)
    assert list(back) == [n for n, _ in tensors]
    for n, t in tensors:
        assert torch.equal(back[n], torch.as_tensor(t, dtype=torch.float64)), n
    print('%-22s loss %.6f  grad_norm %.6f  %d tensors' %
          (fname, rec['loss'], grad_norm, len(tensors)))
    return rec, grads


def main(argv):
    if len(argv) != 2:
        sys.exit('usage: /usr/bin/python3 tests/golden/make_golden.py '
                 '<output dir, normally tests/golden>')
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    torch.set_num_threads(1)
    results = {}
    for fname, task, cc, pseed, cseed, dseed in SCENARIOS:
        results[fname] = make_one(outdir, fname, task, cc, pseed, cseed, dseed)
    # the cerebellum must change the cortex gradients noticeably
    g_cc = results['lstm_ccrnn_mse.txt'][1]
    g_c = results['lstm_crnn_mse.txt'][1]
    diff = max(rel_err(g_cc[k], g_c[k]) for k in g_c)
    assert diff > 1e-2, 'bootstrap term has no visible effect (%g)' % diff
    print('OK')


if __name__ == '__main__':
    main(sys.argv)
