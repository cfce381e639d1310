export { openHdf5, listHdf5Datasets, SLAB_BYTES, type Hdf5ReadOptions } from './reader.js';
