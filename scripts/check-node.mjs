// Fails early, in one line, when this Node is outside package.json's `engines.node` (CI and the
// README state the same range). No dependency: it runs before `npm ci`. The range is a list of
// `^X.Y.Z` (that major line, at least X.Y.Z) or `>=X.Y.Z` alternatives joined by `||`.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const parse = (version) => version.replace(/^v/, '').split('.').map(Number);
const atLeast = (v, min) => v[0] !== min[0] ? v[0] > min[0] : v[1] !== min[1] ? v[1] > min[1] : v[2] >= min[2];

export function satisfies(version, range) {
  const v = parse(version);
  return range.split('||').some((alternative) => {
    const match = /^\s*(\^|>=)\s*(\d+\.\d+\.\d+)\s*$/.exec(alternative);
    if (!match) throw new Error(`engines.node: cannot read "${alternative.trim()}" (use ^X.Y.Z or >=X.Y.Z)`);
    const min = parse(match[2]);
    return atLeast(v, min) && (match[1] === '>=' || v[0] === min[0]);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const range = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
  if (!satisfies(process.version, range)) {
    console.error(`Node ${process.version} is outside package.json engines.node "${range}"; see the README's Set up`);
    process.exit(1);
  }
  console.log(`== node ${process.version} (engines.node "${range}")`);
}
