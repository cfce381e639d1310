/**
 * The frame rate, editable: files that do not state one (the zebrafish CSV matrices import with
 * rate 0) get the user's, stored with the recording (calcium.setFrameRate) and used by the Traces
 * view and by NTF runs. "Use file's" removes it again. The source file is never changed.
 */
import { useEffect, useState } from 'react';
import type { CalciumSummary } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';

interface Props {
  summary: CalciumSummary;
  onChanged(summary: CalciumSummary): void;
}

const hz = (value: number) => String(Number(value.toPrecision(4)));

export function FrameRateField({ summary, onChanged }: Props) {
  const api = useApi();
  const [text, setText] = useState(summary.frameRateHz ? hz(summary.frameRateHz) : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setText(summary.frameRateHz ? hz(summary.frameRateHz) : ''), [summary.recordingId, summary.frameRateHz]);

  const store = (frameRateHz: number | null) => {
    setBusy(true);
    api.call('calcium.setFrameRate', { recordingId: summary.recordingId, frameRateHz }).then(
      (updated) => {
        setBusy(false);
        setError(null);
        onChanged(updated);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(errorMessage(failure));
      },
    );
  };
  const submit = () => {
    const value = Number(text.replace(',', '.'));
    if (!text.trim() || !Number.isFinite(value) || value <= 0) {
      setError('Enter the frames per second, a positive number (e.g. 4.8).');
      return;
    }
    store(value);
  };
  const source = summary.frameRateSetByUser
    ? `set by you${summary.fileFrameRateHz ? `; the file says ${hz(summary.fileFrameRateHz)} Hz` : '; the file states none'}`
    : summary.fileFrameRateHz
      ? 'from the file'
      : 'the file states none: time is in frames until you set it';

  return (
    <form
      className="calcium-rate"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label>
        Frame rate{' '}
        <input
          type="text"
          inputMode="decimal"
          size={7}
          value={text}
          placeholder="unknown"
          aria-describedby="calcium-rate-source"
          onChange={(event) => setText(event.target.value)}
        />{' '}
        Hz
      </label>
      <button type="submit" disabled={busy}>
        Set
      </button>
      {summary.frameRateSetByUser && (
        <button type="button" disabled={busy} onClick={() => store(null)}>
          Use file's
        </button>
      )}
      <span id="calcium-rate-source" className="calcium-muted">
        {source}
      </span>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
