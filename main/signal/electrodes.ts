/**
 * Recorded channel labels → 10-10 electrode names. Every vendor spells them differently:
 * `EEG Fp1-REF` (TUH), `EEG Fp1-Ref` (Nihon Kohden), `FP1`, `Fp1-Avg` (SzCORE), `EEG FP1-LE`,
 * `Fp1.` / `Fc5.` / `C3..` (BCI2000 pads to four characters with dots), `EEG C3-A2` (ear reference),
 * `EEG Fp1` (Siena), and old 10-20 names T3/T4/T5/T6 for T7/T8/P7/P8. Channels recorded as bipolar
 * pairs (`FP1-F7`, CHB-MIT; `EEG Fpz-Cz`, Sleep-EDF) are recognised as pairs, not as their first
 * electrode, so a montage never mistakes `FP1-F7` for Fp1 against a reference.
 */

const ELECTRODES = (
  'Fp1 Fpz Fp2 AF7 AF3 AFz AF4 AF8 F9 F7 F5 F3 F1 Fz F2 F4 F6 F8 F10 FT9 FT7 FC5 FC3 FC1 FCz FC2 FC4 FC6 FT8 FT10 ' +
  'T9 T7 C5 C3 C1 Cz C2 C4 C6 T8 T10 TP9 TP7 CP5 CP3 CP1 CPz CP2 CP4 CP6 TP8 TP10 P9 P7 P5 P3 P1 Pz P2 P4 P6 P8 P10 ' +
  'PO7 PO3 POz PO4 PO8 O1 Oz O2 Iz A1 A2 M1 M2'
).split(' ');
const CANONICAL = new Map(ELECTRODES.map((name) => [name.toUpperCase(), name]));
/** 10-20 names replaced in the 10-10 system (ACNS 2006). */
const OLD_NAMES: Record<string, string> = { T3: 'T7', T4: 'T8', T5: 'P7', T6: 'P8' };
/** Ear / mastoid electrodes: references, not scalp sites (kept out of averages and chains). */
export const EARS: ReadonlySet<string> = new Set(['A1', 'A2', 'M1', 'M2']);
/** Second halves meaning "against a reference" (so `EEG C3-A2` is C3, not a pair C3–A2). */
const REFERENCES = new Set(['REF', 'AVG', 'AV', 'AR', 'CAR', 'LE', 'RE', 'LER', 'A1', 'A2', 'M1', 'M2', 'A1A2', 'M1M2', 'CMS', 'REFERENCE']);
/**
 * EDF+ "signal type" prefixes of non-EEG channels (EDF+ spec §2.1.3.2 and what vendors write):
 * `ECG ECG1`, `EKG EKG`, `EMG submental`, `EOG horizontal`, `POL T1`, `SaO2 X9`…; whatever follows
 * them is never an EEG electrode, even when it looks like one (Nihon Kohden's `POL T1`).
 */
const NON_EEG_PREFIX = /^(ECG|EKG|EMG|EOG|RESP|POL|SAO2|SPO2|TEMP|HR|PULSE|EVENT|STATUS|TRIG|MK|DC|PHOTIC|LIGHT|SNORE|POS|PLETH|FLOW|BODY)(\s|$)/i;

/** An electrode name from one token (`FP1`, `Fc5.`, `T3`), or null. */
function electrode(token: string): string | null {
  const upper = token.trim().replace(/\.+$/, '').toUpperCase();
  return CANONICAL.get(OLD_NAMES[upper] ?? upper) ?? null;
}

/** The label without an `EEG` type prefix and BCI2000's trailing dots. */
function stripPrefix(label: string): string {
  return label.trim().replace(/^EEG[-\s]*/i, '').replace(/\.+$/, '');
}

function isNonEeg(label: string): boolean {
  return NON_EEG_PREFIX.test(label.trim()) || /annotations?$/i.test(label.trim());
}

/**
 * The electrode a referential channel records (10-10 spelling: `Fp1`, `FC5`, `T7`), or null for a
 * bipolar channel or a channel that is not EEG (ECG, EMG, EOG, Resp, Event, Status, annotations).
 */
export function normaliseLabel(label: string): string | null {
  if (isNonEeg(label)) return null;
  const text = stripPrefix(label);
  const single = electrode(text);
  if (single) return single;
  const parts = text.split('-');
  if (parts.length === 2 && REFERENCES.has(parts[1]!.trim().toUpperCase().replace(/\+/g, ''))) return electrode(parts[0]!);
  return null;
}

/** The two electrodes of a channel recorded as a bipolar pair (`FP1-F7` → [Fp1, F7]), or null. */
export function bipolarPair(label: string): [string, string] | null {
  if (isNonEeg(label)) return null;
  const parts = stripPrefix(label).split('-');
  if (parts.length !== 2) return null;
  const a = electrode(parts[0]!);
  const b = electrode(parts[1]!);
  return a && b && !EARS.has(b) ? [a, b] : null;
}
