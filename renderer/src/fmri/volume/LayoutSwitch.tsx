/** Slices (axial, coronal, sagittal and a 3D render in the fourth tile) or the 3D render alone. */
import type { SliceLayout } from './NiivueCanvas.js';

const CHOICES: { value: SliceLayout; label: string }[] = [
  { value: 'multiplanar', label: 'Slices' },
  { value: 'render', label: '3D' },
  { value: 'axial', label: 'Axial' },
  { value: 'coronal', label: 'Coronal' },
  { value: 'sagittal', label: 'Sagittal' },
];

export function LayoutSwitch({ value, onChange }: { value: SliceLayout; onChange(next: SliceLayout): void }) {
  return (
    <div className="fmri-layout" role="radiogroup" aria-label="View">
      {CHOICES.map((choice) => (
        <label key={choice.value}>
          <input type="radio" name="fmri-layout" value={choice.value} checked={value === choice.value} onChange={() => onChange(choice.value)} /> {choice.label}
        </label>
      ))}
    </div>
  );
}
