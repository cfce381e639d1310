/**
 * Settings › Your name: who signs annotations and seizure decisions on this machine (a clinician's
 * name in review reports, not the OS account, which is often shared).
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { UserName } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

export function ReviewerName() {
  const api = useApi();
  const [current, setCurrent] = useState<UserName | null>(null);
  const [draft, setDraft] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.call('settings.user', {}).then(
      (user) => {
        setCurrent(user);
        setDraft(user.fromSystem ? '' : user.name);
      },
      (error: unknown) => setFailure(errorMessage(error)),
    );
  }, [api]);

  const save = async (name: string | null) => {
    setFailure(null);
    setSaved(false);
    try {
      const user = await api.call('settings.setUser', { name });
      setCurrent(user);
      setDraft(user.fromSystem ? '' : user.name);
      setSaved(true);
    } catch (error) {
      setFailure(errorMessage(error));
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save(draft.trim() || null);
  };

  return (
    <form className="reviewer-name" onSubmit={onSubmit}>
      <label htmlFor="reviewer-name">Your name</label>{' '}
      <input id="reviewer-name" type="text" maxLength={200} value={draft} placeholder={current?.fromSystem ? current.name : ''} onChange={(event) => setDraft(event.target.value)} />{' '}
      <button type="submit" disabled={!draft.trim() || draft.trim() === current?.name}>
        Save
      </button>
      {current && !current.fromSystem && (
        <button type="button" onClick={() => void save(null)}>
          Use the system account
        </button>
      )}
      <p className="empty">
        Signs your annotations and seizure decisions on this machine, in every project
        {current ? (current.fromSystem ? ` (now the system account, “${current.name}”)` : ` (now “${current.name}”)`) : ''}.
      </p>
      {saved && <p role="status">Saved.</p>}
      <ErrorMessage message={failure} />
    </form>
  );
}
