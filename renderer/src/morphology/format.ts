/** Labels of the morphology view: metric names and values as a reader expects them. */
import { SWC_TYPE_NAMES } from '../../../shared/api/index.js';

export function typeName(type: number): string {
  return SWC_TYPE_NAMES[type] ?? `type ${type}`;
}

/** camelCase metric keys as words: "meanSectionLength" → "mean section length". */
export function metricLabel(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

const LENGTHS = /length|distance|radius/i;
const AREAS = /area/i;
const VOLUMES = /volume/i;

/** A metric's value with its unit where the key implies one (µm, µm², µm³). */
export function formatMetric(key: string, value: number): string {
  const number = Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 1 : 3 });
  if (VOLUMES.test(key)) return `${number} µm³`;
  if (AREAS.test(key)) return `${number} µm²`;
  if (LENGTHS.test(key)) return `${number} µm`;
  return number;
}

export function formatUm(value: number): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 1 : 2 })} µm`;
}
