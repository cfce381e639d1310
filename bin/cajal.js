#!/usr/bin/env node
// The `cajal` command. Runs the compiled engine from dist/ (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('cajal: not built yet; run `npm run build` in the Cajal folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
