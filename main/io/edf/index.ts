export { readEdfHeader, type EdfHeader, type EdfSignalHeader, type EdfVariant, type ReadHeaderOptions } from './header.js';
export { decodeSignal } from './records.js';
export { EdfReader, type SignalWindow } from './reader.js';
export { parseTals, encodeTals, type EdfAnnotation } from './annotations.js';
export { encodeEdf, writeEdfFile, type EdfSignalToWrite, type EdfToWrite } from './write.js';
