/**
 * Exports never replace an existing file unless asked (the engine answers 'conflict'). This runs an
 * export, and when the file exists asks the user whether to replace it and, if so, runs it again
 * with overwrite: true. The same for Electron and the browser, since both take a typed path.
 */
import { ApiError } from '../../../shared/api/index.js';

/** The result, or null when the user chose not to replace the existing file. */
export async function exportWithOverwrite<T>(
  path: string,
  run: (overwrite: boolean) => Promise<T>,
  confirm: (question: string) => boolean = (question) => window.confirm(question),
): Promise<T | null> {
  try {
    return await run(false);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'conflict') throw error;
    if (!confirm(`Replace ${path}? It already exists.`)) return null;
    return run(true);
  }
}
