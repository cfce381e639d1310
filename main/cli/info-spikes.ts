/**
 * `cajal info` for spike trains (an NWB units file, a spikes.npy or its folder, a Kilosort/Phy
 * folder, a text file of spike times): the units with their ids, cell types and spike counts, the
 * span and duration, and the event sets, without a project.
 */
import { formatDuration } from '../../shared/units.js';
import { table } from '../console/format.js';
import { isJson, report, type Output } from '../console/output.js';
import { readSpikes, spikeCount } from '../io/spikes/index.js';

const FORMAT_NAMES = {
  'nwb-units': 'NWB units table',
  'npy-spike-trains': 'NumPy spike-time arrays',
  kilosort: 'Kilosort/Phy folder',
  'spike-times-text': 'text spike times',
} as const;

export async function spikesInfo(path: string, io: Output): Promise<number> {
  const trains = await readSpikes(path);
  const durationS = Math.max(0, trains.endS - trains.startS);
  const value = {
    file: path,
    format: trains.format,
    unitCount: trains.times.length,
    spikeCount: spikeCount(trains),
    startS: trains.startS,
    endS: trains.endS,
    durationS,
    units: trains.times.map((times, u) => ({
      index: u,
      id: trains.unitIds[u]!,
      cellType: trains.cellTypes[u] ?? null,
      spikeCount: times.length,
      rateHz: durationS > 0 ? times.length / durationS : 0,
      firstS: times.length ? times[0]! : null,
      lastS: times.length ? times[times.length - 1]! : null,
    })),
    eventSets: trains.events.map((set) => ({ name: set.name, source: set.source, count: set.times.length, firstS: set.times[0] ?? null, lastS: set.times[set.times.length - 1] ?? null, intervals: set.stopTimes ? Array.from(set.times, (t, i) => [t, set.stopTimes![i]!] as [number, number]).slice(0, 100) : null })),
    stimuli: (trains.stimuli ?? []).map((s) => ({ name: s.name, source: s.source, samples: s.values.length, rateHz: s.rateHz, startS: s.startS })),
    description: trains.description,
    warnings: [...trains.warnings],
  };
  const seconds = (t: number | null): string => (t === null ? '–' : `${Number(t.toFixed(4))} s`);
  report(io, value, (v) => {
    io.out(`file         ${v.file}`);
    io.out(`format       ${FORMAT_NAMES[v.format]} (${v.format})`);
    io.out(`units        ${v.unitCount}`);
    io.out(`spikes       ${v.spikeCount}`);
    io.out(`span         ${seconds(v.startS)} … ${seconds(v.endS)}`);
    io.out(`duration     ${formatDuration(v.durationS)} (${Number(v.durationS.toFixed(3))} s)`);
    for (const set of v.eventSets) {
      const span = set.intervals
        ? set.intervals.slice(0, 3).map(([a, b]) => `${seconds(a)}–${seconds(b)}`).join(', ') + (set.count > 3 ? ', …' : '')
        : `${seconds(set.firstS)} … ${seconds(set.lastS)}`;
      io.out(`events       "${set.name}": ${set.count} ${set.intervals ? 'interval' : 'time'}${set.count === 1 ? '' : 's'} from ${set.source} (${span})`);
    }
    for (const s of v.stimuli) io.out(`stimulus     ${s.source}: ${s.samples} samples at ${Number(s.rateHz.toFixed(3))} Hz`);
    if (v.description) io.out(`read         ${v.description}`);
  });
  for (const warning of trains.warnings) io.err(`cajal: warning: ${path}: ${warning}`);
  if (!isJson(io)) {
    io.out('');
    io.out(
      table(
        ['#', 'unit id', 'cell type', 'spikes', 'rate (Hz)', 'first', 'last'],
        value.units.map((u) => [u.index + 1, u.id, u.cellType ?? '–', u.spikeCount, u.rateHz.toFixed(2), seconds(u.firstS), seconds(u.lastS)]),
      ),
    );
  }
  return 0;
}
