/**
 * The README as the in-app manual: cut into its top-level sections (`## …`, with their `###`
 * subsections) so the Help dialog lists them and shows one at a time, offline. Anchors follow
 * GitHub's rule, so the README's own links between sections (`#segmentation-metrics-fisbe`) work.
 */
import { Marked } from 'marked';

export interface ManualSection {
  title: string;
  /** The anchor of its heading. */
  slug: string;
  /** Anchors of its own `###` headings, so a link to one finds its section. */
  subSlugs: string[];
  /** Its markdown, its heading included. */
  markdown: string;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The README's `##` sections in order; what stands before the first (title, badges) is left out. */
export function manualSections(readme: string): ManualSection[] {
  const sections: ManualSection[] = [];
  let fenced = false;
  for (const line of readme.split('\n')) {
    // A "## " inside a code block is not a heading.
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{2,3}) (.+)$/.exec(line);
    if (heading?.[1] === '##') {
      sections.push({ title: heading[2]!.trim(), slug: slugOf(heading[2]!), subSlugs: [], markdown: `${line}\n` });
      continue;
    }
    const current = sections.at(-1);
    if (!current) continue;
    if (heading) current.subSlugs.push(slugOf(heading[2]!));
    current.markdown += `${line}\n`;
  }
  return sections;
}

/** The section holding an anchor (its own heading or one of its subsections'), or undefined. */
export function sectionOf(sections: readonly ManualSection[], slug: string): ManualSection | undefined {
  return sections.find((section) => section.slug === slug || section.subSlugs.includes(slug));
}

/**
 * HTML of a section. The README is Cajal's own text, bundled at build time, so its HTML is trusted;
 * images (screenshots beside the README, not in the app) are shown as their alt text.
 */
const marked = new Marked({
  renderer: {
    heading({ tokens, depth, text }) {
      return `<h${depth} id="manual-${slugOf(text)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
    },
    image({ text }) {
      return `<em>[${text}]</em>`;
    },
  },
});

export function sectionHtml(section: ManualSection): string {
  return marked.parse(section.markdown, { async: false });
}
