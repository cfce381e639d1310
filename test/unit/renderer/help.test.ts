/** The in-app manual cut from the README, and the key sheet's rows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyRows } from '../../../renderer/src/help/keys.js';
import { manualSections, sectionHtml, sectionOf, slugOf } from '../../../renderer/src/help/manual.js';
import { REPO_ROOT } from '../../helpers/data.js';

describe('the manual', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const sections = manualSections(readme);

  it('anchors headings as GitHub does', () => {
    expect(slugOf('Functional connectome (NTF, calcium imaging)')).toBe('functional-connectome-ntf-calcium-imaging');
    expect(slugOf('Segmentation metrics (FISBe)')).toBe('segmentation-metrics-fisbe');
    expect(slugOf('Layer rules (enforced by test/unit/layers.test.ts)')).toBe('layer-rules-enforced-by-testunitlayerstestts');
  });

  it("holds every top-level section of the README, each link between sections finding its target", () => {
    const headings = readme.split('\n').filter((line) => /^## /.test(line));
    // (The README has no "## " inside code blocks; a fenced one would not count.)
    expect(sections.map((s) => `## ${s.title}`)).toEqual(headings);
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(sectionOf(sections, link), `#${link}`).toBeDefined();
  });

  it('ignores headings inside code blocks and renders a section with anchored headings, images as text', () => {
    const cut = manualSections('# Title\n\n## One\ntext\n```sh\n## not a heading\n```\n### Sub part\n![shot](a.png)\n## Two\n');
    expect(cut.map((s) => s.title)).toEqual(['One', 'Two']);
    expect(cut[0]!.subSlugs).toEqual(['sub-part']);
    const html = sectionHtml(cut[0]!);
    expect(html).toContain('<h3 id="manual-sub-part">Sub part</h3>');
    expect(html).toContain('<em>[shot]</em>');
    expect(html).not.toContain('<img');
  });
});

describe('the key sheet', () => {
  it('splits key help into rows, a lead-in on a row of its own', () => {
    expect(keyRows(['Seizure triage: J/K: next/previous event · Y: accept', 'F fits'])).toEqual([
      { keys: '', action: 'Seizure triage' },
      { keys: 'J/K', action: 'next/previous event' },
      { keys: 'Y', action: 'accept' },
      { keys: '', action: 'F fits' },
    ]);
  });
});
