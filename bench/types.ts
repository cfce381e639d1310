export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** A reference measured in the same run; the report prints value / reference. */
  reference?: { name: string; value: number };
}
