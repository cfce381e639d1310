/**
 * The viewer's pure logic, tested in Node: clinical calibration (a trace must be as tall on screen
 * as the sensitivity says) and triage bounds (adjustments never leave the recording or collapse).
 */
import { describe, expect, it } from 'vitest';
import type { TriageEvent } from '../../../shared/api/index.js';
import {
  pxPerMicrovolt,
  pxPerMm,
  pxPerSecond,
  stepChannelGain,
  stepSensitivity,
  toMicrovolts,
} from '../../../renderer/src/eeg/calibration.js';
import { adjustBounds, boundsOf, contextS, MIN_EVENT_S, thresholdOf } from '../../../renderer/src/seizure/bounds.js';

describe('clinical calibration', () => {
  it('maps mm/s and µV/mm to CSS pixels at 96 px per inch, corrected by the screen factor', () => {
    expect(pxPerMm(1)).toBeCloseTo(96 / 25.4, 12);
    // 30 mm/s: 10 s of EEG is 300 mm = 1133.9 px.
    expect(10 * pxPerSecond(30, 1)).toBeCloseTo(1133.86, 2);
    // 7 µV/mm: a 70 µV deflection is 10 mm tall.
    expect(70 * pxPerMicrovolt(7, 1)).toBeCloseTo(10 * pxPerMm(1), 12);
    // A screen whose 100 mm bar measures 97 mm gets factor 100/97 and draws proportionally larger.
    expect(pxPerMm(100 / 97)).toBeCloseTo((96 / 25.4) * (100 / 97), 12);
    expect(pxPerMm(Number.NaN)).toBe(pxPerMm(1));
  });

  it('steps sensitivity and channel gain along the clinical series, clamped at the ends', () => {
    expect(stepSensitivity(7, true)).toBe(5);
    expect(stepSensitivity(7, false)).toBe(10);
    expect(stepSensitivity(1, true)).toBe(1);
    expect(stepSensitivity(500, false)).toBe(500);
    expect(stepSensitivity(8, true)).toBe(7); // off the series: snaps to the next step first
    expect(stepChannelGain(1, true)).toBe(2);
    expect(stepChannelGain(8, true)).toBe(8);
  });

  it('converts EDF physical dimensions to microvolts', () => {
    expect(toMicrovolts('mV')).toBe(1000);
    expect(toMicrovolts(' V ')).toBe(1e6);
    expect(toMicrovolts('uV')).toBe(1);
  });
});

describe('triage bounds', () => {
  const event: TriageEvent = { index: 0, onsetS: 181, durationS: 145, confidence: 0.96, channels: ['C4'], decision: null };

  it('uses the pending adjustment, else the decision, else the detection', () => {
    expect(boundsOf(event, undefined)).toEqual({ onsetS: 181, durationS: 145 });
    const decided = { ...event, decision: { status: 'accepted' as const, onsetS: 170, durationS: 150, author: 'a', createdAt: 't', annotationId: 1 } };
    expect(boundsOf(decided, undefined)).toEqual({ onsetS: 170, durationS: 150 });
    expect(boundsOf(decided, { onsetS: 1, durationS: 2 })).toEqual({ onsetS: 1, durationS: 2 });
  });

  it('moves one edge and keeps the other, inside the recording, never shorter than the minimum', () => {
    const bounds = { onsetS: 181, durationS: 145 };
    expect(adjustBounds(bounds, 'onset', -1, 326)).toEqual({ onsetS: 180, durationS: 146 });
    expect(adjustBounds(bounds, 'end', 5, 326)).toEqual({ onsetS: 181, durationS: 145 }); // end already at 326
    expect(adjustBounds({ onsetS: 0.4, durationS: 3 }, 'onset', -1, 326)).toEqual({ onsetS: 0, durationS: 3.4 });
    expect(adjustBounds({ onsetS: 10, durationS: 1.5 }, 'onset', 1, 326)).toEqual({ onsetS: 10.5, durationS: MIN_EVENT_S });
    let drifting = { onsetS: 100, durationS: 20 };
    for (let i = 0; i < 10; i++) drifting = adjustBounds(drifting, 'onset', 0.1, 326);
    expect(drifting).toEqual({ onsetS: 101, durationS: 19 });
  });

  it('shows context around an event and reads the detector threshold from the run parameters', () => {
    expect(contextS(10)).toBe(3);
    expect(contextS(60)).toBe(10);
    expect(contextS(2)).toBe(1);
    expect(thresholdOf({ onThreshold: 0.5 })).toBe(0.5);
    expect(thresholdOf({})).toBeNull();
  });
});
