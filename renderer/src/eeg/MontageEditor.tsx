/** Names a montage and lists its derivations (`plus-minus`, one per line); saved with eeg.saveMontage. */
import { useState, type FormEvent } from 'react';
import { BUILTIN_MONTAGES, type Montage } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { formatDerivation, parseDerivations } from './derivations.js';
import { ModalDialog } from './ModalDialog.js';

export function MontageEditor(props: {
  open: boolean;
  start: Montage | null;
  channelLabels: string[];
  onSaved(montage: Montage): void;
  onClose(): void;
}) {
  return (
    <ModalDialog open={props.open} title="Edit montage" onClose={props.onClose} className="eeg-montage-editor">
      <MontageForm {...props} />
    </ModalDialog>
  );
}

function MontageForm(props: { start: Montage | null; channelLabels: string[]; onSaved(montage: Montage): void; onClose(): void }) {
  const api = useApi();
  const fromUser = props.start && !props.start.builtin ? props.start : null;
  const [name, setName] = useState(fromUser?.name ?? '');
  const [text, setText] = useState((props.start?.derivations ?? []).map(formatDerivation).join('\n'));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if ((BUILTIN_MONTAGES as readonly string[]).includes(trimmed)) {
      setFailure(`"${trimmed}" is a built-in montage; choose another name`);
      return;
    }
    const parsed = parseDerivations(text, props.channelLabels);
    if (!parsed.ok) {
      setFailure(parsed.error);
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      props.onSaved(await api.call('eeg.saveMontage', { name: trimmed, title: trimmed, derivations: parsed.derivations }));
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)}>
      <h2>Montage</h2>
      <label htmlFor="eeg-montage-name">Montage name</label>
      <input id="eeg-montage-name" type="text" value={name} maxLength={64} onChange={(event) => setName(event.target.value)} autoFocus />
      <label htmlFor="eeg-montage-derivations">Derivations, one per line (plus-minus, plus-avg, or a channel as recorded)</label>
      <textarea
        id="eeg-montage-derivations"
        rows={14}
        value={text}
        onChange={(event) => setText(event.target.value)}
        spellCheck={false}
      />
      <p className="eeg-hint">Channels: {props.channelLabels.join(', ')}</p>
      <ErrorMessage message={failure} />
      <div className="actions">
        <button type="submit" disabled={busy || name.trim() === ''}>
          Save montage
        </button>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
