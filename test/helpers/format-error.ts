/** The FormatError a reader throws, for tests that then check its message and field. */
import { expect } from 'vitest';
import { FormatError } from '../../main/errors.js';

export function formatErrorOf(run: () => unknown): FormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error('expected a FormatError');
}

export async function asyncFormatErrorOf(promise: Promise<unknown>): Promise<FormatError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error('expected a FormatError');
}
