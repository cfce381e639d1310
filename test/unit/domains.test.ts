/**
 * The domain list (main/domains): one id per domain, used for its folders, API prefix, CLI verb and
 * pipeline names, and nothing wired by hand elsewhere.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calls, DOMAIN_APIS, domainApi } from '../../shared/api/index.js';
import { allOptions } from '../../main/cli/main.js';
import { DOMAINS, domainCommands, domainPipelineUrls } from '../../main/domains/index.js';
import { defineCommand } from '../../main/domains/types.js';
import { builtinPipelines } from '../../main/jobs/registry.js';
import { REPO_ROOT } from '../helpers/data.js';

describe('the domains', () => {
  it('each has one id: its folder, its API module and prefix, its CLI verb and its pipelines', async () => {
    const registry = await builtinPipelines(domainPipelineUrls());
    const pipelinesOf = async (urls: readonly string[]) => {
      const names: string[] = [];
      for (const url of urls) names.push(((await import(url)) as { default: { name: string } }).default.name);
      return names;
    };
    for (const domain of DOMAINS) {
      expect(existsSync(join(REPO_ROOT, 'main', 'domains', domain.id, 'index.ts')), `main/domains/${domain.id}/index.ts`).toBe(true);
      expect(existsSync(join(REPO_ROOT, 'shared', 'api', `${domain.id}.ts`)), `shared/api/${domain.id}.ts`).toBe(true);
      expect(existsSync(join(REPO_ROOT, 'renderer', 'src', domain.id)), `renderer/src/${domain.id}/`).toBe(true);
      expect(domain.api.id).toBe(domain.id);
      for (const name of Object.keys(domain.api.calls)) expect(name.startsWith(`${domain.id}.`), name).toBe(true);
      for (const command of domain.cli) expect(command.verb).toBe(domain.id);
      for (const name of await pipelinesOf(domain.pipelines)) {
        expect(name === domain.id || name.startsWith(`${domain.id}-`), `pipeline ${name} of ${domain.id}`).toBe(true);
        expect(registry.get(name).definition.name).toBe(name);
      }
    }
  });

  it('refuses a second pipeline module under a name (or former name) already taken', async () => {
    const registry = await builtinPipelines(domainPipelineUrls());
    const impostor = (name: string) => `data:text/javascript,export default { name: '${name}', title: 'x', description: '', input: 'none', run() {} };`;
    await expect(registry.register(impostor('rms'))).rejects.toThrow(/pipeline name "rms" of data:.* is taken by .*rms\/index/);
    await expect(registry.register(impostor('morphometrics'))).rejects.toThrow(/"morphometrics" .* is taken by .*morphology\/pipeline/);
    await registry.register(impostor('something-new'));
    expect(registry.get('something-new').definition.title).toBe('x');
  });

  it('every domain API in the contract belongs to a listed domain, and the contract holds all their calls', () => {
    expect(DOMAIN_APIS.map((api) => api.id).sort()).toEqual(DOMAINS.map((domain) => domain.id).sort());
    for (const api of DOMAIN_APIS) for (const name of Object.keys(api.calls)) expect(calls).toHaveProperty([name]);
  });

  it('refuses a call without its domain prefix', () => {
    const spec = calls['project.info'];
    // @ts-expect-error — the prefix is checked at compile time too
    expect(() => domainApi('demo', { 'other.call': spec })).toThrow(/"other.call" of domain "demo" must start with "demo."/);
  });

  it("merges every command's options into one table, and refuses one name declared two ways", () => {
    const options = allOptions();
    for (const command of domainCommands()) for (const name of Object.keys(command.options)) expect(options).toHaveProperty([name]);
    const run = async () => 0;
    const a = defineCommand({ verb: 'a', usage: [], options: { out: { type: 'string' } }, run });
    const b = defineCommand({ verb: 'b', usage: [], options: { out: { type: 'boolean' } }, run });
    expect(() => allOptions([a, b])).toThrow(/option --out of `cajal b` is declared as boolean, elsewhere as string/);
  });
});
