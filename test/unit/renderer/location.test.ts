/** The view and selection kept in the address's hash, so a reload comes back to them. */
import { describe, expect, it } from 'vitest';
import { locationHash, parseLocation } from '../../../renderer/src/workbench/location.js';

const VIEWS = ['library', 'runs', 'settings', 'eeg'];

describe('app location in the hash', () => {
  it('round-trips a view with its selection', () => {
    const location = { view: 'eeg', recordingId: 3, runId: 7 };
    expect(locationHash(location, VIEWS)).toBe('#eeg?recording=3&run=7');
    expect(parseLocation('#eeg?recording=3&run=7', VIEWS)).toEqual(location);
    expect(parseLocation(locationHash({ view: 'runs', recordingId: null, runId: 4 }, VIEWS), VIEWS)).toEqual({ view: 'runs', recordingId: null, runId: 4 });
  });

  it('keeps the bare address for the first view with nothing selected', () => {
    expect(locationHash({ view: 'library', recordingId: null, runId: null }, VIEWS)).toBe('');
    expect(parseLocation('', VIEWS)).toEqual({ view: 'library', recordingId: null, runId: null });
  });

  it('falls back on an unknown view or a malformed id', () => {
    expect(parseLocation('#nope?recording=2', VIEWS)).toEqual({ view: 'library', recordingId: 2, runId: null });
    expect(parseLocation('#runs?run=-1&recording=1.5', VIEWS)).toEqual({ view: 'runs', recordingId: null, runId: null });
    expect(parseLocation('#runs?run=abc', VIEWS).runId).toBeNull();
  });
});
