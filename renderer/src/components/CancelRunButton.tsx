import { useState } from 'react';
import { errorMessage, useApi } from '../api/context.js';

/**
 * Cancels a queued or running run: the one Cancel of the app, shown where a run was started (the
 * run-starting forms) and in Runs. The run's end arrives as its status event; a refusal (the run
 * ended meanwhile) is said beside the button.
 */
export function CancelRunButton({ runId }: { runId: number }) {
  const api = useApi();
  const [failure, setFailure] = useState<string | null>(null);
  const [asked, setAsked] = useState(false);
  const cancel = async () => {
    setFailure(null);
    setAsked(true);
    try {
      await api.call('runs.cancel', { runId });
    } catch (error) {
      setFailure(errorMessage(error));
      setAsked(false);
    }
  };
  return (
    <>
      <button type="button" className="cancel-run" disabled={asked} onClick={() => void cancel()} aria-label={`Cancel run ${runId}`}>
        {asked ? 'Cancelling…' : 'Cancel'}
      </button>
      {failure && (
        <span className="error" role="alert">
          {failure}
        </span>
      )}
    </>
  );
}
