/** `cajal info <file>`: what a recording's header says, without a project (like `edfinfo`). */
import { formatBytes, formatDuration } from '../../shared/units.js';
import { EdfReader } from '../io/edf/index.js';
import { sniffFormat } from '../io/recording.js';
import type { Output } from './commands.js';
import { table } from './format.js';

export function info(file: string, io: Output): number {
  sniffFormat(file);
  const reader = EdfReader.open(file);
  try {
    const { header } = reader;
    const data = reader.dataSignals();
    const annotations = reader.annotations();
    const variant = header.variant.toUpperCase() + (header.variant.endsWith('+') ? (header.continuous ? 'C' : 'D') : '');
    io.out(`file         ${header.file} (${formatBytes(header.fileSizeBytes)})`);
    io.out(`format       ${variant}`);
    io.out(`start        ${header.startDateTime.replace('T', ' ')}`);
    io.out(`duration     ${formatDuration(reader.durationS)} (${header.dataRecordCount} records of ${header.dataRecordDurationS} s)`);
    io.out(`patient      ${header.patient}`);
    io.out(`recording    ${header.recording}`);
    io.out(`channels     ${data.length}`);
    io.out(`annotations  ${annotations.length}`);
    for (const warning of header.warnings) io.err(`cajal: warning: ${header.file}: ${warning}`);
    if (data.length) {
      io.out('');
      io.out(
        table(
          ['#', 'label', 'rate (Hz)', 'unit', 'physical range', 'digital range', 'prefiltering'],
          data.map(({ signal, sampleRateHz }, i) => [
            i + 1,
            signal.label,
            sampleRateHz,
            signal.physicalDimension,
            `${signal.physicalMin} … ${signal.physicalMax}`,
            `${signal.digitalMin} … ${signal.digitalMax}`,
            signal.prefiltering,
          ]),
        ),
      );
    }
    return 0;
  } finally {
    reader.close();
  }
}
