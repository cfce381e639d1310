/**
 * The viewer's pickers: montage, display filters (only cut-offs below the data's Nyquist
 * frequency), page length, the EEG sensitivity with an automatic re-fit, and the timebase.
 */
import { useId } from 'react';
import { ChoiceSelect } from '../components/ChoiceSelect.js';
import type { Montage } from '../../../shared/api/index.js';
import { choicesBelow } from './filterChoices.js';
import { HIGHPASS_HZ, LOWPASS_HZ, NOTCH_HZ, PAGE_LENGTHS_S, SENSITIVITY_STEPS_UV_PER_MM, TIMEBASES_MM_PER_S } from './calibration.js';
import type { ReviewPrefs } from './prefs.js';

/** A string-valued picker in the EEG toolbar's style (muted label beside the select). */
function Picker(props: { label: string; value: string; onChange(value: string): void; options: { value: string; text: string }[]; title?: string }) {
  return <ChoiceSelect className="eeg-picker" label={props.label} value={props.value} choices={props.options.map((o) => ({ value: o.value, label: o.text }))} onChange={props.onChange} title={props.title} />;
}

const hz = (values: readonly number[]) => [{ value: 'off', text: 'off' }, ...values.map((v) => ({ value: String(v), text: `${v} Hz` }))];
const parseHz = (value: string): number | null => (value === 'off' ? null : Number(value));

export function ReviewToolbar(props: {
  montages: Montage[];
  montage: string;
  onMontage(name: string): void;
  onEditMontage(): void;
  prefs: ReviewPrefs;
  /** The timebase at which a page fits the trace area. */
  fittedTimebaseMmPerS: number;
  onPrefs(patch: Partial<ReviewPrefs>): void;
  /** The page length shown (shorter than the chosen one for a recording shorter than that). */
  pageLengthS: number;
  /** Half the rate of the EEG/EOG channels: the filter menus offer only cut-offs below it. */
  nyquistHz: number;
  /** EEG sensitivity, µV/mm (other types: the Channels panel). */
  sensitivityUvPerMm: number;
  onSensitivity(uvPerMm: number): void;
  /** Fits every type's scale to the page shown. */
  onAutoScale(): void;
}) {
  const { prefs, onPrefs } = props;
  const calibrationId = useId();
  const zeroPhaseId = useId();
  // A stored choice the data cannot carry (70 Hz on 100 Hz data) reads as off, as the engine applies it.
  const shown = (hz: number | null) => (hz === null || hz >= props.nyquistHz ? 'off' : String(hz));
  const montageOptions = props.montages.length
    ? props.montages.map((m) => ({ value: m.name, text: m.builtin ? m.title : `${m.title} (saved)` }))
    : [{ value: props.montage, text: props.montage }];
  return (
    <div className="eeg-toolbar" role="toolbar" aria-label="Display settings">
      <Picker label="Montage" value={props.montage} onChange={props.onMontage} options={montageOptions} title="Keys 1–4: referential, average, bipolar, transverse" />
      <button type="button" onClick={props.onEditMontage}>
        Edit montage…
      </button>
      <Picker label="High-pass" value={shown(prefs.highpassHz)} onChange={(v) => onPrefs({ highpassHz: parseHz(v) })} options={hz(choicesBelow(HIGHPASS_HZ, props.nyquistHz))} />
      <Picker label="Low-pass" value={shown(prefs.lowpassHz)} onChange={(v) => onPrefs({ lowpassHz: parseHz(v) })} options={hz(choicesBelow(LOWPASS_HZ, props.nyquistHz))} />
      <Picker
        label="Notch"
        value={shown(prefs.notchHz)}
        onChange={(v) => onPrefs({ notchHz: v === '50' ? 50 : v === '60' ? 60 : null })}
        options={hz(choicesBelow(NOTCH_HZ, props.nyquistHz))}
      />
      <span className="eeg-picker">
        <input id={zeroPhaseId} type="checkbox" checked={prefs.zeroPhase} onChange={(event) => onPrefs({ zeroPhase: event.target.checked })} />
        <label htmlFor={zeroPhaseId} title="Off: causal filters, as clinical systems display. On: forward-backward, no phase shift.">
          Zero phase
        </label>
      </span>
      <ChoiceSelect<number>
        className="eeg-picker"
        label="Page length"
        value={props.pageLengthS}
        choices={PAGE_LENGTHS_S.map((s) => ({ value: s, label: `${s} s` }))}
        onChange={(pageLengthS) => onPrefs({ pageLengthS })}
      />
      <Picker
        label="Sensitivity"
        value={String(props.sensitivityUvPerMm)}
        onChange={(v) => props.onSensitivity(Number(v))}
        options={SENSITIVITY_STEPS_UV_PER_MM.map((s) => ({ value: String(s), text: `${s} µV/mm` }))}
        title="EEG channels; keys + and −. Other channel types: the Channels panel"
      />
      <button type="button" onClick={props.onAutoScale} title="Fit each channel type's scale to the signals on this page">
        Auto scale
      </button>
      <ChoiceSelect<number | 'fit'>
        className="eeg-picker"
        label="Timebase"
        value={prefs.timebaseFit ? 'fit' : prefs.timebaseMmPerS}
        choices={[...TIMEBASES_MM_PER_S.map((s) => ({ value: s, label: `${s} mm/s` })), { value: 'fit' as const, label: `Fit to window (${props.fittedTimebaseMmPerS.toFixed(1)} mm/s)` }]}
        onChange={(v) => onPrefs(v === 'fit' ? { timebaseFit: true } : { timebaseFit: false, timebaseMmPerS: v })}
      />
      <span className="eeg-picker">
        <label htmlFor={calibrationId} title="Measure the 10 mm scale bar on your screen: factor = 10 / measured mm">
          Screen calibration
        </label>
        <input
          id={calibrationId}
          type="number"
          min={0.5}
          max={2}
          step={0.01}
          value={prefs.calibrationFactor}
          onChange={(event) => {
            const value = Number(event.target.value);
            if (Number.isFinite(value) && value >= 0.5 && value <= 2) onPrefs({ calibrationFactor: value });
          }}
        />
      </span>
    </div>
  );
}
