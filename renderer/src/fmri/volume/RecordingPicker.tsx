/** A select of brain recordings (the template under a map, the atlas for labels), with "none". */
import type { Recording } from '../../../../shared/api/index.js';
import { fileName } from './companions.js';

export interface RecordingPickerProps {
  label: string;
  recordings: readonly Recording[];
  value: number | null;
  onChange(id: number | null): void;
}

export function RecordingPicker({ label, recordings, value, onChange }: RecordingPickerProps) {
  return (
    <label className="fmri-picker">
      {label}{' '}
      <select aria-label={label} value={value ?? ''} onChange={(event) => onChange(event.target.value === '' ? null : Number(event.target.value))}>
        <option value="">none</option>
        {recordings.map((r) => (
          <option key={r.id} value={r.id}>
            {fileName(r.sourcePath)}
          </option>
        ))}
      </select>
    </label>
  );
}
