// Entry of the worker thread that reads an upload (readers.ts starts it). A worker thread does
// not share the loader of the thread that starts it, however that one was started (tsx through
// bin/qingche.mjs, vitest, node --import tsx), so it registers tsx itself, as bin/qingche.mjs
// does, and then loads the TypeScript of the reader.
import { register } from 'tsx/esm/api';

register();
await import('./reader-worker.ts');
