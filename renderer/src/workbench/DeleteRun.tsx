import { useState } from 'react';
import type { Run } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

/**
 * Deleting a finished run, after the user confirms in place: what goes (results, logs, models) and
 * what stays (the recording and its file) are said before anything is deleted.
 */
export function DeleteRun({ run, onDeleted }: { run: Run; onDeleted(): void }) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const remove = async () => {
    setFailure(null);
    try {
      await api.call('runs.delete', { runId: run.id });
      setConfirming(false);
      onDeleted();
    } catch (error) {
      setFailure(errorMessage(error));
    }
  };
  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete run
      </button>
    );
  }
  return (
    <div className="confirm-delete" role="alertdialog" aria-labelledby={`delete-run-${run.id}`}>
      <p id={`delete-run-${run.id}`}>
        Delete run {run.id} ({run.pipeline}) with its results, log and any model it trained? The recording and its file stay.
      </p>
      <button type="button" className="danger" onClick={() => void remove()}>
        Delete run {run.id}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep it
      </button>
      <ErrorMessage message={failure} />
    </div>
  );
}
