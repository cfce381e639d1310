"""PyTorch CPU reference for bench/jepa.bench.ts: Brain-JEPA training step and feature extraction.

The model is not re-written here: this harness imports test/fixtures/reference/jepa_torch.py (the
parity tests' transcription of Eric-LRL/Brain-JEPA, reference state-dict names) through sys.path,
so the timed architecture is the one the parity tests check against Cajal's. Only the timing loop,
the optimiser groups and the inputs are this file's.

Inputs come from the bench (same batch and masks as the tfjs side), raw little-endian files in DIR:
  x.f32 [B,R,T], gradient.f32 [R,G], context.i32 [B,K], target.i32 [B,M]  (mode step)
  cohort.f32 [S,R,T], gradient.f32 [R,G]                                   (mode features)
Config (JSON, --config): rois, frames, patch_size, embed_dim, depth, heads, mlp_ratio,
predictor_dim, predictor_depth, gradient_dims (jepa_torch.CONFIG's keys).

mode step: one training step as src/train.py train_step: target encoder on the whole input under
no_grad -> layer_norm (no affine) -> target tokens; context encoder on the context tokens ->
predictor -> smooth-L1; backward; AdamW (init_opt's groups: decay 0.04 on non-bias, non-1-D
parameters; lr 1e-4); EMA of the target (m 0.996, the reference's per-parameter mul_/add_); loss.item().
Median step time after warm-up, as bench/reference/transformer_torch.py.
mode features: target encoder + token mean over the cohort in batches of --batch, no_grad; subjects/s
of the median of --repeats passes after one warm-up batch.

Prints one JSON object; rssPeakMiB is this process's ru_maxrss (Linux: KiB).
Run with OPENBLAS_NUM_THREADS=1; torch's thread count is --threads (default 2).
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'test', 'fixtures', 'reference'))
import jepa_torch  # noqa: E402  (the parity transcription: Encoder, Predictor, reference_init, gather_tokens)


def read(path, dtype, shape):
    a = np.fromfile(path, dtype=np.dtype(dtype).newbyteorder('<'))
    if a.size != int(np.prod(shape)):
        sys.exit(f'{path}: {a.size} values, expected {shape}')
    return torch.from_numpy(a.astype(dtype).reshape(shape))


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build(c, gradient, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    grad_in = gradient.unsqueeze(0)  # the reference loads its gradient CSV as [1, R, G]
    encoder = jepa_torch.Encoder(c, grad_in)
    predictor = jepa_torch.Predictor(c, grad_in)
    jepa_torch.reference_init(encoder, gen)
    jepa_torch.reference_init(predictor, gen)
    target = jepa_torch.Encoder(c, grad_in)
    target.load_state_dict(encoder.state_dict())
    for p in target.parameters():
        p.requires_grad = False
    return encoder, predictor, target


def trainable_count(*modules):
    return sum(p.numel() for m in modules for p in m.parameters() if p.requires_grad)


def mode_step(args, c):
    b = args.batch
    patches = c['frames'] // c['patch_size']
    x = read(os.path.join(args.dir, 'x.f32'), np.float32, (b, c['rois'], c['frames']))
    gradient = read(os.path.join(args.dir, 'gradient.f32'), np.float32, (c['rois'], c['gradient_dims']))
    context = read(os.path.join(args.dir, 'context.i32'), np.int32, (b, args.context)).long()
    target_idx = read(os.path.join(args.dir, 'target.i32'), np.int32, (b, args.targets)).long()
    assert int(context.max()) < c['rois'] * patches and int(target_idx.max()) < c['rois'] * patches
    encoder, predictor, target = build(c, gradient, args.seed)

    def group(module, decayed):
        return [p for n, p in module.named_parameters() if p.requires_grad and (('bias' not in n) and (len(p.shape) != 1)) == decayed]
    optimizer = torch.optim.AdamW([
        {'params': group(encoder, True)}, {'params': group(predictor, True)},
        {'params': group(encoder, False), 'weight_decay': 0}, {'params': group(predictor, False), 'weight_decay': 0},
    ], lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.04)
    momentum = 0.996
    imgs = x.unsqueeze(1)  # [B, 1, R, T], the reference's Conv2d input

    def step():
        optimizer.zero_grad(set_to_none=True)
        with torch.no_grad():
            h = target(imgs)
            h = F.layer_norm(h, (h.size(-1),))
            h = jepa_torch.gather_tokens(h, target_idx)
        z = predictor(encoder(imgs, context), context, target_idx)
        loss = F.smooth_l1_loss(z, h)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            for q, k in zip(encoder.parameters(), target.parameters()):
                k.data.mul_(momentum).add_((1. - momentum) * q.detach().data)
        return loss.item()

    first = step()
    for _ in range(args.warmup - 1):
        step()
    times = []
    loss = first
    for _ in range(args.steps):
        start = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - start) * 1000)
    return {
        'stepMs': statistics.median(times), 'stepsMs': times, 'firstLoss': first, 'lastLoss': loss,
        'parameters': trainable_count(encoder, predictor),
    }


def mode_features(args, c):
    subjects = args.subjects
    cohort = read(os.path.join(args.dir, 'cohort.f32'), np.float32, (subjects, c['rois'], c['frames']))
    gradient = read(os.path.join(args.dir, 'gradient.f32'), np.float32, (c['rois'], c['gradient_dims']))
    _, _, target = build(c, gradient, args.seed)
    target.eval()

    def one_pass():
        out = []
        with torch.no_grad():
            for s in range(0, subjects, args.batch):
                out.append(target(cohort[s:s + args.batch].unsqueeze(1)).mean(dim=1))
        return torch.cat(out)

    with torch.no_grad():  # warm-up: one batch
        target(cohort[:args.batch].unsqueeze(1))
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        pooled = one_pass()
        times.append(time.perf_counter() - start)
    assert pooled.shape == (subjects, c['embed_dim'])
    seconds = statistics.median(times)
    return {'subjectsPerS': subjects / seconds, 'passS': times, 'parameters': sum(p.numel() for n, p in target.named_parameters() if not n.endswith('emb_h'))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--mode', choices=['step', 'features'], required=True)
    parser.add_argument('--dir', required=True)
    parser.add_argument('--config', required=True, help='JSON object with jepa_torch.CONFIG keys')
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--context', type=int, default=0)
    parser.add_argument('--targets', type=int, default=0)
    parser.add_argument('--subjects', type=int, default=0)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--repeats', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    c = json.loads(args.config)
    result = mode_step(args, c) if args.mode == 'step' else mode_features(args, c)
    print(json.dumps({**result, 'rssPeakMiB': rss_mib(), 'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
