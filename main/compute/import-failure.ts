/**
 * Turns the error of a failed `import()` of an optional backend package into one line a user can
 * act on. A missing @tensorflow/tfjs-node fails in two shapes that need different advice: the
 * package is absent (npm dropped the optional dependency), or the package is present but its
 * native binding / libtensorflow did not download or does not load.
 */

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() ?? text;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

const NATIVE_HINTS = ['.node', 'tfjs_binding', 'libtensorflow', 'shared object', 'dlopen', 'napi', 'ELF'];

export function classifyImportFailure(provider: string, error: unknown): string {
  const message = firstLine(error);
  const code = errorCode(error);
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  // "Cannot find package '@tensorflow/tfjs-node' imported from …" / "Cannot find module '@tensorflow/tfjs-node'"
  const namesThePackage = message.includes(`'${provider}'`) || message.includes(`"${provider}"`);
  if (notFound && namesThePackage) return 'not installed';
  if (NATIVE_HINTS.some((hint) => message.includes(hint))) {
    return `installed, but its native library did not load (${message})`;
  }
  if (notFound) return `installed, but a file it needs is missing (${message})`;
  return `failed to load (${message})`;
}
