export { openZarr, openZarrStore, listZarrArrays } from './reader.js';
export { DirectoryStore, ZipStore, type ZarrStore } from './store.js';
export { SUPPORTED_COMPRESSORS } from './metadata.js';
