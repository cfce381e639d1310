/**
 * Child process for the "HDF5 stays quiet" test: opens each file given on the command line with
 * the calcium and the volume HDF5 readers and prints one line per error on stdout. HDF5 prints its
 * error stack on the process's real stderr (fd 2, from wasm), which only a child process can watch.
 */
import { readCalcium } from '../../main/io/calcium/index.js';
import { openHdf5 } from '../../main/io/hdf5/index.js';

for (const file of process.argv.slice(2)) {
  for (const read of [() => readCalcium(file), () => openHdf5(file)]) {
    try {
      await read();
      console.log('read');
    } catch (error) {
      console.log(error instanceof Error ? error.message : String(error));
    }
  }
}
