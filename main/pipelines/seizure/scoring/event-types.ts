/**
 * The SzCORE / HED-SCORE event vocabulary: the `Levels` of epilepsy2bids' `bids/events.json`
 * (ILAE 2017 seizure classification). `bckg` is background; every other level is a seizure type.
 * (The same file's `HED` table spells two keys `sz_gen:` and `sz_uo:`; the reader uses `Levels`,
 * whose keys are `sz_gen` and `sz_uo`, and so do we.)
 */
const FOCAL_MOTOR = ['automatisms', 'atonic', 'clonic', 'spasms', 'hyperkinetic', 'myoclonic', 'tonic'];
const FOCAL_NONMOTOR = ['autonomic', 'behavior', 'cognitive', 'emotional', 'sensory'];

function focal(awareness: string, withUnreportedMotor: boolean): string[] {
  const base = `sz_foc_${awareness}`;
  return [
    ...(withUnreportedMotor ? [base] : []),
    `${base}_m`,
    ...FOCAL_MOTOR.map((m) => `${base}_m_${m}`),
    `${base}_nm`,
    ...FOCAL_NONMOTOR.map((m) => `${base}_nm_${m}`),
    `${base}_um`,
  ];
}

/** Every seizure type of the vocabulary (70 names, all starting with `sz`, in the file's order). */
export const SEIZURE_TYPES: readonly string[] = [
  'sz',
  'sz_foc',
  ...focal('a', true),
  ...focal('ia', true),
  ...focal('ua', false),
  'sz_foc_f2b',
  'sz_gen',
  'sz_gen_m',
  ...['tonicClonic', 'clonic', 'tonic', 'myoTC', 'myoAtonic', 'atonic', 'spasms'].map((m) => `sz_gen_m_${m}`),
  'sz_gen_nm',
  ...['typical', 'atypical', 'myoclonic', 'eyelidMyio'].map((m) => `sz_gen_nm_${m}`),
  'sz_uo',
  'sz_uo_m',
  'sz_uo_m_tonicClonic',
  'sz_uo_m_spasms',
  'sz_uo_nm',
  'sz_uo_nm_behavior',
];

export const BACKGROUND_TYPE = 'bckg';

const SEIZURES = new Set(SEIZURE_TYPES);

export function isSeizureType(eventType: string): boolean {
  return SEIZURES.has(eventType);
}

/** True for `bckg` and every seizure type. */
export function isKnownEventType(eventType: string): boolean {
  return eventType === BACKGROUND_TYPE || SEIZURES.has(eventType);
}
