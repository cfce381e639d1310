export { openTiff, listTiffStack, PAGE_BLOCK_BYTES, type TiffReadOptions } from './reader.js';
export { writeTiffStack, type TiffWriteOptions } from './write.js';
