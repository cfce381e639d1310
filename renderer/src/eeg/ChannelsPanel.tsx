/**
 * The channel list beside the traces: the scale of each non-EEG type present (EEG's is in the
 * toolbar), and every derivation of the montage with its type, a box to show or hide it and
 * buttons to move it up or down.
 */
import { useId } from 'react';
import type { ChannelType } from '../../../shared/api/index.js';
import { arrangedList, moveChannel, setChannelHidden, type ChannelArrangement } from './channelView.js';
import { formatScale, scaleSteps, TYPE_ORDER, TYPE_TITLES } from './channelTypes.js';

export interface PanelChannel {
  label: string;
  type: ChannelType;
  /** The unit its type's scale is read in. */
  unit: string;
}

function ScalePicker(props: { type: ChannelType; unit: string; value: number; onChange(value: number): void }) {
  const id = useId();
  const steps = scaleSteps(props.type);
  const options = steps.includes(props.value) ? steps : [...steps, props.value].sort((a, b) => a - b);
  return (
    <span className="eeg-picker">
      <label htmlFor={id}>{TYPE_TITLES[props.type]} scale</label>
      <select id={id} value={String(props.value)} onChange={(event) => props.onChange(Number(event.target.value))}>
        {options.map((step) => (
          <option key={step} value={String(step)}>
            {formatScale(step, props.unit)}
          </option>
        ))}
      </select>
    </span>
  );
}

export function ChannelsPanel(props: {
  channels: PanelChannel[];
  arrangement: ChannelArrangement;
  onArrangement(next: ChannelArrangement): void;
  scales: Partial<Record<ChannelType, number>>;
  onScale(type: ChannelType, unitsPerMm: number): void;
}) {
  const headingId = useId();
  const labels = props.channels.map((c) => c.label);
  const list = arrangedList(labels, props.arrangement);
  const shownCount = list.filter((row) => !row.hidden).length;
  const types = TYPE_ORDER.filter((type) => type !== 'eeg' && props.channels.some((c) => c.type === type));
  return (
    <section className="eeg-channels" aria-labelledby={headingId}>
      <h2 id={headingId}>Channels</h2>
      {types.length > 0 && (
        <div className="eeg-type-scales">
          {types.map((type) => (
            <ScalePicker
              key={type}
              type={type}
              unit={props.channels.find((c) => c.type === type)!.unit}
              value={props.scales[type] ?? scaleSteps(type)[0]!}
              onChange={(value) => props.onScale(type, value)}
            />
          ))}
        </div>
      )}
      <details>
        <summary>
          {shownCount} of {list.length} shown · hide or reorder
        </summary>
        <ol className="eeg-channel-list" aria-label="Channel order">
          {list.map(({ label, index, hidden }, position) => (
            <li key={label} className={hidden ? 'hidden-channel' : undefined}>
              <input
                type="checkbox"
                checked={!hidden}
                aria-label={`Show ${label}`}
                onChange={(event) => props.onArrangement(setChannelHidden(props.arrangement, label, !event.target.checked))}
              />
              <span className="eeg-channel-label">{label}</span>
              <span className={`eeg-type eeg-type-${props.channels[index]!.type}`}>{TYPE_TITLES[props.channels[index]!.type]}</span>
              <button type="button" aria-label={`Move ${label} up`} disabled={position === 0} onClick={() => props.onArrangement(moveChannel(labels, props.arrangement, label, -1))}>
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${label} down`}
                disabled={position === list.length - 1}
                onClick={() => props.onArrangement(moveChannel(labels, props.arrangement, label, 1))}
              >
                ↓
              </button>
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
