/**
 * Minimal EDF writer (plain EDF, 16-bit): used to make test fixtures and, later, exports. Values are
 * given in physical units and quantised to the digital range like any acquisition system would.
 */
export interface EdfSignalToWrite {
  label: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin?: number;
  digitalMax?: number;
  samplesPerRecord: number;
  /** Physical values, `recordCount * samplesPerRecord` long. */
  values: ArrayLike<number>;
  prefiltering?: string;
  transducer?: string;
}

export interface EdfToWrite {
  patient?: string;
  recording?: string;
  /** Local clock time, `YYYY-MM-DDTHH:MM:SS`. */
  startDateTime?: string;
  dataRecordDurationS: number;
  recordCount: number;
  signals: EdfSignalToWrite[];
}

function field(value: string | number, width: number): string {
  const text = String(value);
  if (text.length > width) throw new RangeError(`EDF field "${text}" is longer than ${width} characters`);
  return text.padEnd(width, ' ');
}

/** A number in at most `width` characters (EDF numeric fields are 8 characters). */
function numberField(value: number, width = 8): string {
  let text = String(value);
  if (text.length > width) text = value.toPrecision(width - (value < 0 ? 6 : 5));
  return field(text, width);
}

export function encodeEdf(edf: EdfToWrite): Buffer {
  const ns = edf.signals.length;
  const start = edf.startDateTime ?? '2000-01-01T00:00:00';
  const [, y, mo, d, h, mi, s] = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$/.exec(start) ?? [];
  if (!y) throw new RangeError(`startDateTime must be YYYY-MM-DDTHH:MM:SS, got ${start}`);
  const headerBytes = 256 * (ns + 1);
  let header =
    field('0', 8) +
    field(edf.patient ?? 'X X X X', 80) +
    field(edf.recording ?? 'Startdate X X X X', 80) +
    `${d}.${mo}.${y.slice(2)}` +
    `${h}.${mi}.${s}` +
    field(headerBytes, 8) +
    field('', 44) +
    field(edf.recordCount, 8) +
    numberField(edf.dataRecordDurationS) +
    field(ns, 4);
  const column = (get: (signal: EdfSignalToWrite) => string) => edf.signals.map(get).join('');
  header += column((sg) => field(sg.label, 16));
  header += column((sg) => field(sg.transducer ?? '', 80));
  header += column((sg) => field(sg.physicalDimension, 8));
  header += column((sg) => numberField(sg.physicalMin));
  header += column((sg) => numberField(sg.physicalMax));
  header += column((sg) => numberField(sg.digitalMin ?? -32768));
  header += column((sg) => numberField(sg.digitalMax ?? 32767));
  header += column((sg) => field(sg.prefiltering ?? '', 80));
  header += column((sg) => field(sg.samplesPerRecord, 8));
  header += column(() => field('', 32));

  const recordBytes = edf.signals.reduce((n, sg) => n + 2 * sg.samplesPerRecord, 0);
  const out = Buffer.alloc(headerBytes + edf.recordCount * recordBytes);
  out.write(header, 0, 'latin1');
  let p = headerBytes;
  for (let r = 0; r < edf.recordCount; r++) {
    for (const sg of edf.signals) {
      const digitalMin = sg.digitalMin ?? -32768;
      const digitalMax = sg.digitalMax ?? 32767;
      const scale = (digitalMax - digitalMin) / (sg.physicalMax - sg.physicalMin);
      for (let i = 0; i < sg.samplesPerRecord; i++) {
        const value = sg.values[r * sg.samplesPerRecord + i] ?? 0;
        const digital = Math.round((value - sg.physicalMin) * scale + digitalMin);
        out.writeInt16LE(Math.min(digitalMax, Math.max(digitalMin, digital)), p);
        p += 2;
      }
    }
  }
  return out;
}
