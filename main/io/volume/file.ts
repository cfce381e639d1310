/** File checks the readers share before handing a path to a library with its own error style. */
import { stat } from 'node:fs/promises';
import { FileAccessError, fileAccessError } from '../../errors.js';

/** Throws a FileAccessError unless `file` exists and is a file (not a folder). */
export async function expectFile(file: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (error) {
    throw fileAccessError(file, error);
  }
  if (!isFile) throw new FileAccessError(file, 'is a folder, not a file');
}
