/**
 * The renderer's list of views (renderer/src/views.ts): the sidebar order, titles and Alt keys users
 * know, and domain views under their domain's id (the same id as the folder, API prefix and CLI verb).
 */
import { describe, expect, it } from 'vitest';

// views.ts imports the views' .tsx modules, which tsconfig.test.json (no JSX) does not type-check:
// load it by a computed path, which the type check leaves alone, and type the part read here.
const viewsModule = '../../../renderer/src/views.js';
const { VIEWS } = (await import(/* @vite-ignore */ viewsModule)) as {
  VIEWS: readonly { id: string; title: string; key: string; component: unknown }[];
};

describe('the list of views', () => {
  it('keeps the titles and Alt keys, with domain views under their domain ids', () => {
    expect(VIEWS.map((view) => [view.id, view.title, view.key])).toEqual([
      ['library', 'Library', '1'],
      ['runs', 'Runs', '2'],
      ['settings', 'Settings', '3'],
      ['eeg', 'Review', '4'],
      ['fisbe', 'Segmentation', '5'],
      ['ntf', 'Connectome', '6'],
      ['morphology', 'Morphology', '7'],
      ['calcium', 'Traces', '8'],
      ['fmri', 'Brain', '9'],
      ['spikes', 'Spikes', '0'],
    ]);
  });

  it('gives every view its own id and key, and a component', () => {
    expect(new Set(VIEWS.map((view) => view.id)).size).toBe(VIEWS.length);
    expect(new Set(VIEWS.map((view) => view.key)).size).toBe(VIEWS.length);
    for (const view of VIEWS) expect(view.component).toBeTruthy();
  });
});
