/** The new-run form's checks: what `runs.start` receives for pipeline `ntf`, and what the user is told otherwise. */
import { describe, expect, it } from 'vitest';
import { ntfParams } from '../../../renderer/src/ntf/params.js';

const fields = { recordingIds: [3, 4], minRank: '2', maxRank: '4', restarts: '2', rank: '' };

describe('NTF run parameters', () => {
  it('turns the fields into the run parameters, with the shown rank only when one is given', () => {
    expect(ntfParams(fields)).toEqual({ ok: true, params: { recordingIds: [3, 4], minRank: 2, maxRank: 4, restarts: 2 } });
    expect(ntfParams({ ...fields, rank: '3' })).toEqual({ ok: true, params: { recordingIds: [3, 4], minRank: 2, maxRank: 4, restarts: 2, rank: 3 } });
    expect(ntfParams({ ...fields, minRank: '4' })).toMatchObject({ ok: true, params: { minRank: 4, maxRank: 4 } });
  });

  it('says what is wrong', () => {
    const message = (changes: Partial<typeof fields>) => {
      const checked = ntfParams({ ...fields, ...changes });
      return checked.ok ? null : checked.message;
    };
    expect(message({ recordingIds: [] })).toMatch(/at least one calcium recording/);
    expect(message({ minRank: '0' })).toMatch(/smallest rank/);
    expect(message({ minRank: '' })).toMatch(/smallest rank/);
    expect(message({ minRank: '1.5' })).toMatch(/smallest rank/);
    expect(message({ maxRank: '1' })).toMatch(/largest rank/);
    expect(message({ restarts: '0' })).toMatch(/Restarts/);
    expect(message({ rank: '5' })).toMatch(/rank to show .* 2…4/);
  });
});
