/**
 * Export to a typed path in one of a few formats (annotations as EDF+ or BIDS events, accepted
 * seizure events as SzCORE TSV or BIDS): the path field, a button per format, "Replace …?" when the
 * file exists (exportWithOverwrite), and one line saying what was written or why not.
 */
import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../api/context.js';
import { ErrorMessage } from './ErrorMessage.js';
import { exportWithOverwrite } from './exportWithOverwrite.js';

export interface ExportToPathFormProps<F extends string> {
  label: string;
  placeholder: string;
  /** The form's class; "<class>-done" is the written line's (e2e tests read it). */
  className: string;
  formats: readonly { format: F; label: string }[];
  write(format: F, path: string, overwrite: boolean): Promise<{ path: string; count: number }>;
  /** What was written, e.g. "Wrote 3 annotation(s) to /x.tsv". */
  describe(result: { path: string; count: number }): string;
  /** The path field's id, where a page needs a fixed one; a generated one otherwise. */
  inputId?: string;
}

export function ExportToPathForm<F extends string>(props: ExportToPathFormProps<F>) {
  const generatedId = useId();
  const inputId = props.inputId ?? generatedId;
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const exportAs = async (format: F) => {
    setBusy(true);
    setDone(null);
    setFailure(null);
    try {
      const target = path.trim();
      const result = await exportWithOverwrite(target, (overwrite) => props.write(format, target, overwrite));
      if (result) setDone(props.describe(result));
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (event: FormEvent) => event.preventDefault();
  const doneClass = `${props.className.split(' ').at(-1)}-done`;

  return (
    <form className={props.className} onSubmit={onSubmit}>
      <label htmlFor={inputId}>{props.label}</label>
      <input id={inputId} type="text" value={path} placeholder={props.placeholder} onChange={(event) => setPath(event.target.value)} spellCheck={false} />
      <div className="actions">
        {props.formats.map(({ format, label }) => (
          <button key={format} type="button" disabled={busy || path.trim() === ''} onClick={() => void exportAs(format)}>
            {label}
          </button>
        ))}
      </div>
      <ErrorMessage message={failure} />
      {done && <p className={doneClass}>{done}</p>}
    </form>
  );
}
