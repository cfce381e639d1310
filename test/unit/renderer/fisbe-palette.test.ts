/**
 * The status colour code: four distinct Okabe–Ito colours, titles that say which error an unmatched
 * instance is on each side, and the style sheet's swatch colours equal to the palette's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hexToNumber, hexToRgb } from '../../../renderer/src/components/color.js';
import { STATUS_COLORS, STATUSES, statusColor, statusTitle } from '../../../renderer/src/fisbe/palette.js';
import { REPO_ROOT } from '../../helpers/data.js';

const OKABE_ITO = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#000000'];

describe('status palette', () => {
  it('gives each status its own colour from the colour-blind-safe Okabe–Ito set', () => {
    const colors = STATUSES.map(statusColor);
    expect(new Set(colors).size).toBe(4);
    for (const color of colors) expect(OKABE_ITO).toContain(color);
    expect(statusColor('true-positive')).toBe('#009e73');
  });

  it('converts colours for canvases and three.js', () => {
    expect(hexToRgb('#d55e00')).toEqual([213, 94, 0]);
    expect(hexToRgb('CC79A7')).toEqual([204, 121, 167]);
    expect(hexToNumber('#009e73')).toBe(0x009e73);
    expect(() => hexToRgb('red')).toThrow(/#rrggbb/);
  });

  it('titles statuses, naming unmatched GT a false negative and unmatched pred a false positive', () => {
    expect(statusTitle('false-split')).toBe('false split');
    expect(statusTitle('unmatched', 'gt')).toBe('unmatched (false negative)');
    expect(statusTitle('unmatched', 'pred')).toBe('unmatched (false positive)');
  });

  it('matches the style sheet (list and legend swatches)', () => {
    const css = readFileSync(join(REPO_ROOT, 'renderer', 'src', 'fisbe', 'fisbe.css'), 'utf8');
    for (const status of STATUSES) {
      expect(css).toContain(`.fisbe-status-${status} { --status: ${STATUS_COLORS[status]}; }`);
    }
  });
});
