/**
 * PyTorch checkpoints written by torch itself (test/fixtures/reference/torch_checkpoint.py, run
 * with /usr/bin/python3 into a temporary folder: nothing binary is committed) read back by
 * main/io/torch: the Brain-JEPA layout (DDP prefixes stripped, optimizer state, plain values),
 * every dtype, non-contiguous and shared-storage views, the legacy layout; and damaged or hostile
 * files refused with a FormatError naming the file and the entry, never run, never a huge allocation.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, UserError } from '../../main/errors.js';
import { readTorchCheckpoint, type NamedTensor } from '../../main/io/torch/index.js';
import { unpickle } from '../../main/io/torch/pickle.js';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'reference', 'torch_checkpoint.py');
const HAVE_TORCH = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
if (!HAVE_TORCH) console.warn(`torch-checkpoint tests skipped: ${PYTHON} cannot import torch and numpy, which write the test checkpoints`);

interface Summary {
  shape: number[];
  dtype: string;
  sum: number;
  abssum: number;
  first: number[];
}
interface Expected {
  parts: Record<string, Record<string, Summary>>;
  meta: Record<string, unknown>;
}

const tmp = tempDir('cajal-torch-');
let expected: {
  'brainjepa.pth.tar': Expected;
  'state_dict.pt': Expected;
  'dtypes.pt': Expected & { transposed_contiguous: boolean; shared_storage: boolean };
  module_keys: string[];
};
const file = (name: string): string => join(tmp.dir, name);

beforeAll(() => {
  if (!HAVE_TORCH) return;
  const run = spawnSync(PYTHON, [SCRIPT, 'write', tmp.dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`torch_checkpoint.py failed: ${run.stderr}`);
  expected = JSON.parse(readFileSync(file('expected.json'), 'utf8'));
});
afterAll(() => tmp.cleanup());

/** Compares a tensor with torch's summary: float64 sums of exactly the same values. */
export function expectMatches(tensor: NamedTensor | undefined, summary: Summary, where: string): void {
  expect(tensor, where).toBeDefined();
  const t = tensor!;
  expect(t.shape, where).toEqual(summary.shape);
  expect(t.dtype, where).toBe(summary.dtype);
  const values = t.exact ?? t.data;
  expect(values.length, where).toBe(summary.shape.reduce((a, b) => a * b, 1));
  let sum = 0;
  for (const v of values) sum += v;
  expect(Math.abs(sum - summary.sum), `${where}: sum ${sum} vs ${summary.sum}`).toBeLessThanOrEqual(1e-9 * summary.abssum + 1e-12);
  expect([...values.subarray(0, 4)], where).toEqual(summary.first);
}

function expectAll(checkpoint: Map<string, Map<string, NamedTensor>>, exp: Expected, name: string): void {
  expect([...checkpoint.keys()].sort(), name).toEqual(Object.keys(exp.parts).sort());
  for (const [part, tensors] of Object.entries(exp.parts)) {
    // Order kept as saved (a state dict's order is its module's).
    expect([...checkpoint.get(part)!.keys()], `${name} ${part}`).toEqual(Object.keys(tensors));
    for (const [key, summary] of Object.entries(tensors)) expectMatches(checkpoint.get(part)!.get(key), summary, `${name} ${part}/${key}`);
  }
}

async function formatError(path: string): Promise<FormatError> {
  const error = await readTorchCheckpoint(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, path).toBeInstanceOf(FormatError);
  return error as FormatError;
}

describe.skipIf(!HAVE_TORCH)('readTorchCheckpoint on files torch.save wrote', () => {
  it('reads a Brain-JEPA checkpoint: three state dicts without their DDP prefix, the optimizer, the plain values', async () => {
    const checkpoint = await readTorchCheckpoint(file('brainjepa.pth.tar'));
    const exp = expected['brainjepa.pth.tar'];
    expect(checkpoint.format).toBe('zip');
    expectAll(checkpoint, exp, 'brainjepa');
    expect(expected.module_keys[0]).toBe('module.patch_embed.proj.weight');
    expect(checkpoint.get('encoder')!.get('blocks.0.attn.qkv.weight')!.shape).toEqual([48, 16]);
    expect(checkpoint.strippedPrefixes.get('encoder')).toBe('module.');
    expect(checkpoint.strippedPrefixes.get('opt')).toBeUndefined();
    expect(checkpoint.notes.join('\n')).toMatch(/encoder: the prefix "module\." was removed .*DistributedDataParallel/);
    expect(checkpoint.meta.get('epoch')).toBe(7);
    expect(checkpoint.meta.get('loss')).toBe(0.123456789);
    expect(checkpoint.meta.get('batch_size')).toBe(32);
    expect(checkpoint.meta.get('world_size')).toBe(4);
    expect(checkpoint.meta.get('lr')).toBe(0.000375);
    expect(checkpoint.meta.get('scaler')).toBeNull();
    const groups = checkpoint.meta.get('opt.param_groups') as Map<string, unknown>[];
    expect(groups).toHaveLength(2);
    expect(groups[1]!.get('WD_exclude')).toBe(true);
    expect(groups[0]!.get('betas')).toEqual([0.9, 0.999]);
    expect(groups[0]!.get('params')).toEqual((exp.meta['opt.param_groups'] as { params: number[] }[])[0]!.params);
  });

  it('reads only the parts asked for', async () => {
    const checkpoint = await readTorchCheckpoint(file('brainjepa.pth.tar'), { parts: ['target_encoder'] });
    expect([...checkpoint.keys()]).toEqual(['target_encoder']);
    expect(checkpoint.skipped.sort()).toEqual(['encoder', 'opt', 'predictor']);
    expect(checkpoint.meta.get('epoch')).toBe(7);
  });

  it('reads the same checkpoint saved in the legacy (pre-1.6) layout', async () => {
    const checkpoint = await readTorchCheckpoint(file('legacy.pth.tar'));
    expect(checkpoint.format).toBe('legacy');
    expectAll(checkpoint, expected['brainjepa.pth.tar'], 'legacy');
    expect(checkpoint.meta.get('epoch')).toBe(7);
  });

  it('converts float16, bfloat16, float64 and integer tensors and materialises strided views of shared storages', async () => {
    const checkpoint = await readTorchCheckpoint(file('dtypes.pt'));
    const exp = expected['dtypes.pt'];
    expect(exp.transposed_contiguous).toBe(false);
    expect(exp.shared_storage).toBe(true);
    expectAll(checkpoint, exp, 'dtypes');
    const t = checkpoint.get('')!;
    // The transposed matrix is the matrix's transpose, element by element.
    const matrix = t.get('matrix')!;
    const transposed = t.get('transposed')!;
    expect(transposed.shape).toEqual([5, 3]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) expect(transposed.data[j * 3 + i]).toBe(matrix.data[i * 5 + j]);
    expect([...t.get('view_step')!.data]).toEqual([1, 4, 7, 10, 13, 16, 19, 22].map((i) => i * 0.25 - 2));
    expect([...t.get('view_2d')!.data]).toEqual([6, 8, 10, 12, 14, 16].map((i) => i * 0.25 - 2));
    expect(t.get('i64')!.exact![0]).toBe(-(2 ** 40));
    expect(t.get('i64')!.exact![2]).toBe(123456789012);
    expect(t.get('i32')!.exact![3]).toBe(2 ** 30);
    expect([...t.get('bool')!.data]).toEqual([1, 0, 1]);
    expect(t.get('scalar')!.shape).toEqual([]);
    expect([...t.get('scalar')!.data]).toEqual([3.5]);
    expect(t.get('empty')!.shape).toEqual([0, 3]);
    expect(checkpoint.notes.join('\n')).toContain('bfloat16, bool, float16, float64, int32, int64');
  });

  it('reads a bare state dict as one part named ""', async () => {
    const checkpoint = await readTorchCheckpoint(file('state_dict.pt'));
    expectAll(checkpoint, expected['state_dict.pt'], 'state_dict');
  });

  it('reads a hand-made zip in torch layout (the baseline of the damaged ones)', async () => {
    const checkpoint = await readTorchCheckpoint(file('handmade_ok.pth'));
    expect([...checkpoint.get('encoder')!.get('w')!.data]).toEqual([2, 3, 4]);
  });

  it('reads big-endian storages (a byteorder entry of "big") and an argparse.Namespace of arguments', async () => {
    const big = await readTorchCheckpoint(file('big_endian.pth'));
    // Strides (1, 2): the transpose of [[1.5, -2], [3, 4.25]] in storage order.
    expect([...big.get('')!.get('w')!.data]).toEqual([1.5, 3, -2, 4.25]);
    expect([...big.get('')!.get('i')!.exact!]).toEqual([-5, 2 ** 40]);
    const withArgs = await readTorchCheckpoint(file('with_args.pt'));
    expect(withArgs.meta.get('args')).toEqual(new Map<string, unknown>([['lr', 0.5], ['name', 'run1'], ['dims', [1, 2]]]));
    expect([...withArgs.get('encoder')!.get('w')!.data]).toEqual([1, 1]);
  });

  it('refuses a forbidden global without running it, naming the file, the entry and the global', async () => {
    const error = await formatError(file('bad_global.pth'));
    expect(error.file).toBe(file('bad_global.pth'));
    expect(error.field).toBe('archive/data.pkl');
    expect(error.message).toContain('os.system');
    expect(error.message).toContain('not on the list');
  });

  it('refuses storages smaller than stated, views past the storage, huge shapes and missing entries', async () => {
    const size = await formatError(file('bad_storage_size.pth'));
    expect(size.message).toMatch(/storage 0 should hold 1000 float32 elements \(4000 bytes\), its entry has 16 bytes/);
    expect(size.field).toBe('archive/data/0');
    const huge = await formatError(file('bad_huge_shape.pth'));
    expect(huge.message).toMatch(/encoder\/w: shape \(1000000, 1000000\).*past the end of its storage of 4 elements/);
    const offset = await formatError(file('bad_offset.pth'));
    expect(offset.message).toMatch(/reach element 4, past the end of its storage of 4 elements/);
    const missing = await formatError(file('bad_missing_storage.pth'));
    expect(missing.message).toMatch(/storage 9, but the zip has no entry archive\/data\/9/);
  });

  it('refuses truncated checkpoints in both layouts and files that are not checkpoints', async () => {
    for (const [name, cut] of [
      ['brainjepa.pth.tar', 0.5],
      ['brainjepa.pth.tar', 0.999],
      ['legacy.pth.tar', 0.5],
      ['legacy.pth.tar', 0.05],
    ] as const) {
      const bytes = readFileSync(file(name));
      const truncated = file(`truncated-${cut}-${name}`);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * cut)));
      const error = await formatError(truncated);
      expect(error.message).toContain(truncated);
    }
    writeFileSync(file('notes.txt'), 'not a checkpoint at all');
    expect((await formatError(file('notes.txt'))).message).toContain('not a PyTorch checkpoint');
    const tar = new Uint8Array(1024);
    tar.set(new TextEncoder().encode('ustar'), 257);
    writeFileSync(file('old.tar'), tar);
    expect((await formatError(file('old.tar'))).message).toContain('tar layout of torch < 0.4');
  });
});

describe.skipIf(!HAVE_TORCH)('readTorchCheckpoint on damaged copies', () => {
  it('reads or refuses with a user error every copy with a few bytes changed, never crashes', async () => {
    // A fixed-seed mutation pass over both layouts (a longer run found nothing either: 4400 files).
    let seed = 19;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const outcomes = { read: 0, refused: 0 };
    for (const name of ['dtypes.pt', 'legacy.pth.tar']) {
      const original = readFileSync(file(name));
      for (let i = 0; i < 150; i++) {
        const bytes = Buffer.from(original);
        // Mostly inside the first 4 KB, where the zip's data.pkl and the legacy pickles lie.
        for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
          bytes[Math.floor(random() * (random() < 0.7 ? Math.min(bytes.length, 4000) : bytes.length))] = Math.floor(random() * 256);
        }
        const path = file('mutated.pth');
        writeFileSync(path, bytes);
        try {
          await readTorchCheckpoint(path);
          outcomes.read++;
        } catch (error) {
          if (!(error instanceof UserError)) throw new Error(`${name} mutation ${i}: ${String(error)}`);
          outcomes.refused++;
        }
      }
    }
    expect(outcomes.refused).toBeGreaterThan(50);
  });
});

describe('the pickle reader', () => {
  const run = (bytes: number[]) => unpickle(Uint8Array.from(bytes), { file: 'x.pth', entry: 'archive/data.pkl' }).value;
  const enc = (s: string) => [...new TextEncoder().encode(s)];

  it('reads plain data and never calls an unlisted global', () => {
    // {'a': (1, -2, None, True), 'b': 2.5}: EMPTY_DICT MARK 'a' MARK ints None True TUPLE 'b' BINFLOAT SETITEMS STOP
    const value = run([0x80, 2, 0x7d, 0x28, 0x8c, 1, ...enc('a'), 0x28, 0x4b, 1, 0x4a, 0xfe, 0xff, 0xff, 0xff, 0x4e, 0x88, 0x74, 0x8c, 1, ...enc('b'), 0x47, 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0x75, 0x2e]) as Map<string, unknown>;
    expect(value.get('a')).toEqual([1, -2, null, true]);
    expect(value.get('b')).toBe(2.5);
    // c builtins\neval\n → refused at the GLOBAL, before any argument is read.
    expect(() => run([0x80, 2, 0x63, ...enc('builtins\neval\n'), 0x2e])).toThrow(/builtins\.eval, which is not on the list/);
    expect(() => run([0x80, 2, 0x63, ...enc('torch.storage\n_load_from_bytes\n'), 0x2e])).toThrow(/torch\.storage\._load_from_bytes/);
    // INST and OBJ build objects of any class: refused as opcodes.
    expect(() => run([0x80, 2, 0x28, 0x69, ...enc('os\nsystem\n'), 0x2e])).toThrow(/opcode INST is not allowed/);
  });

  it('ends hostile structure with a FormatError: deep nesting, truncation, bad memo reads', () => {
    const deep = [0x80, 2, ...Array<number>(1000).fill(0x5d), 0x2e];
    expect(() => run(deep)).toThrow(FormatError);
    const nested: number[] = [0x80, 2, 0x5d];
    for (let i = 0; i < 300; i++) nested.push(0x5d);
    for (let i = 0; i < 300; i++) nested.push(0x61);
    nested.push(0x2e);
    expect(() => run(nested)).toThrow(/nested more than 200 deep/);
    expect(() => run([0x80, 2, 0x58, 0xff, 0xff, 0, 0, 0x61])).toThrow(/ends early/);
    expect(() => run([0x80, 2, 0x68, 5, 0x2e])).toThrow(/memo slot 5/);
  });
});
