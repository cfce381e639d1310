export { readEdfHeader, type EdfHeader, type EdfSignalHeader, type EdfVariant, type ReadHeaderOptions } from './header.js';
export { EdfRecordReader, decodeSignal } from './records.js';
export { encodeEdf, type EdfSignalToWrite, type EdfToWrite } from './write.js';
