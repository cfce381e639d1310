// Worker bootstrap used only when Cajal runs from TypeScript sources (tests, `tsx`): it registers
// tsx's loader inside the worker, then loads the real worker entry. The build runs worker.js directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.sourceEntry);
