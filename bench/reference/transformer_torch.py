"""PyTorch CPU reference for bench/transformer.bench.ts: the same pre-LN transformer LM, trained the same way.

Model: token embedding (vocab x d) + learned positions (T x d) -> N pre-LN blocks
(x + out(MHA(LN1(x))) with one fused qkv Linear(d, 3d); x + fc2(GELU(fc1(LN2(x)))) with fc1 d -> 4d)
-> final LayerNorm -> Linear(d, vocab) head, causal attention. Init: normal std 0.02 (as GPT-2).
Step: next-token cross-entropy on seeded random tokens, backward, clip_grad_norm_(1.0),
AdamW (lr 3e-4, betas 0.9/0.999, eps 1e-8, weight decay 0.01 on matmul weights only), loss.item().

Prints one JSON object: median step time (ms) after warm-up, parameter count, torch version, threads.
Run with OPENBLAS_NUM_THREADS=1; the thread count of torch is --threads (default 2).
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim, eps=1e-5)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim, eps=1e-5)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x, mask):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d // h)) + mask
        context = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.out(context)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class LM(nn.Module):
    def __init__(self, vocab, dim, heads, layers, length):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.zeros(length, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim, eps=1e-5)
        self.head = nn.Linear(dim, vocab)
        for name, p in self.named_parameters():
            if name.endswith('bias'):
                nn.init.zeros_(p)
            elif 'ln' in name:
                nn.init.ones_(p)
            else:
                nn.init.trunc_normal_(p, std=0.02, a=-0.04, b=0.04)
        mask = torch.full((length, length), -1e9).triu(1)
        self.register_buffer('mask', mask)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tok(ids) + self.pos[:t]
        mask = self.mask[:t, :t]
        for block in self.blocks:
            x = block(x, mask)
        return self.head(self.ln_f(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--vocab', type=int, default=128)
    parser.add_argument('--dim', type=int, default=128)
    parser.add_argument('--heads', type=int, default=4)
    parser.add_argument('--layers', type=int, default=4)
    parser.add_argument('--length', type=int, default=64)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = LM(args.vocab, args.dim, args.heads, args.layers, args.length)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and not n.startswith(('tok', 'pos'))]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and not n.startswith(('tok', 'pos')))]
    optimizer = torch.optim.AdamW(
        [{'params': decay, 'weight_decay': 0.01}, {'params': no_decay, 'weight_decay': 0.0}],
        lr=3e-4, betas=(0.9, 0.999), eps=1e-8,
    )
    generator = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, args.vocab, (args.batch, args.length + 1), generator=generator)
    inputs, targets = tokens[:, :-1], tokens[:, 1:]

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, args.vocab), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    first_loss = step()
    for _ in range(args.warmup - 1):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({
        'stepMs': statistics.median(times),
        'stepsMs': times,
        'parameters': sum(p.numel() for p in model.parameters()),
        'firstLoss': first_loss,
        'lastLoss': loss,
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
    }))


if __name__ == '__main__':
    main()
