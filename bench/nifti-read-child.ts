/**
 * One round of Cajal's NIfTI full read in a fresh process, for bench/nifti.bench.ts: a warm-up
 * call, then `reps` timed calls of open + readAll + close + a touch of the result, timed inside
 * this process (start-up and imports excluded), exactly as the in-process rounds and nibabel's
 * rounds are. Prints {"ms": [...]}. The bench starts it with an environment the bench process
 * itself cannot take any more (GLIBC_TUNABLES is read by glibc when a process starts).
 *
 * Usage: tsx bench/nifti-read-child.ts <file> <reps>
 */
import { openNifti } from '../main/io/nifti/index.js';

const [path, reps] = process.argv.slice(2);
if (!path || !reps) throw new Error('usage: nifti-read-child.ts <file> <reps>');

async function readAll(): Promise<number> {
  const image = await openNifti(path!);
  const data = await image.readAll();
  await image.close();
  return data[data.length - 1]!;
}

await readAll();
const ms: number[] = [];
for (let i = 0; i < Number(reps); i++) {
  const start = performance.now();
  await readAll();
  ms.push(performance.now() - start);
}
console.log(JSON.stringify({ ms }));
