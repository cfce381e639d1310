/**
 * `cajal info <file>`: what a recording's header says, without a project (like `edfinfo`): EDF
 * family files, brain images (NIfTI, GIfTI, mz3; info-brain.ts) and spike trains (files and
 * folders; info-spikes.ts), recognised by content.
 */
import { formatBytes, formatDuration } from '../../shared/units.js';
import { EdfReader } from '../io/edf/index.js';
import { looksLikeGifti } from '../io/gifti/index.js';
import { looksLikeMz3 } from '../io/mz3/index.js';
import { looksLikeNifti } from '../io/nifti/index.js';
import { assertReadableSource } from '../io/source-file.js';
import { sniffFormat } from '../io/recording.js';
import { isJson, report, type Output } from '../console/output.js';
import { table } from '../console/format.js';
import { giftiInfo, mz3Info, niftiInfo } from './info-brain.js';
import { detectSpikes } from '../io/spikes/index.js';
import { spikesInfo } from './info-spikes.js';

export async function info(file: string, io: Output): Promise<number> {
  if (assertReadableSource(file, { allowDirectory: true }) === 'folder') {
    // The only folders info reads are spike-train folders (spikes.npy, Kilosort/Phy).
    if (await detectSpikes(file)) return spikesInfo(file, io);
    assertReadableSource(file); // refuses the folder with the usual message
  }
  if (await looksLikeNifti(file)) return niftiInfo(file, io);
  if (await looksLikeGifti(file)) return giftiInfo(file, io);
  if (await looksLikeMz3(file)) return mz3Info(file, io);
  if (await detectSpikes(file)) return spikesInfo(file, io);
  return edfInfo(file, io);
}

export function edfInfo(file: string, io: Output): number {
  sniffFormat(file);
  const reader = EdfReader.open(file);
  try {
    const { header } = reader;
    const data = reader.dataSignals();
    const variant = header.variant.toUpperCase() + (header.variant.endsWith('+') ? (header.continuous ? 'C' : 'D') : '');
    const value = {
      file: header.file,
      fileSizeBytes: header.fileSizeBytes,
      format: variant,
      startDateTime: header.startDateTime,
      durationS: reader.durationS,
      dataRecordCount: header.dataRecordCount,
      dataRecordDurationS: header.dataRecordDurationS,
      patient: header.patient,
      recording: header.recording,
      annotationCount: reader.annotations().length,
      channels: data.map(({ signal, sampleRateHz }) => ({
        label: signal.label,
        sampleRateHz,
        unit: signal.physicalDimension,
        physicalMin: signal.physicalMin,
        physicalMax: signal.physicalMax,
        digitalMin: signal.digitalMin,
        digitalMax: signal.digitalMax,
        prefiltering: signal.prefiltering,
      })),
      warnings: header.warnings,
    };
    report(io, value, (v) => {
      io.out(`file         ${v.file} (${formatBytes(v.fileSizeBytes)})`);
      io.out(`format       ${v.format}`);
      io.out(`start        ${v.startDateTime.replace('T', ' ')}`);
      io.out(`duration     ${formatDuration(v.durationS)} (${v.dataRecordCount} records of ${v.dataRecordDurationS} s)`);
      io.out(`patient      ${v.patient}`);
      io.out(`recording    ${v.recording}`);
      io.out(`channels     ${v.channels.length}`);
      io.out(`annotations  ${v.annotationCount}`);
    });
    for (const warning of header.warnings) io.err(`cajal: warning: ${header.file}: ${warning}`);
    if (value.channels.length && !isJson(io)) {
      io.out('');
      io.out(
        table(
          ['#', 'label', 'rate (Hz)', 'unit', 'physical range', 'digital range', 'prefiltering'],
          value.channels.map((c, i) => [i + 1, c.label, c.sampleRateHz, c.unit, `${c.physicalMin} … ${c.physicalMax}`, `${c.digitalMin} … ${c.digitalMax}`, c.prefiltering]),
        ),
      );
    }
    return 0;
  } finally {
    reader.close();
  }
}
