/** One row of the benchmark table: a stage's throughput next to its floor measured in the same run. */
export interface StageResult {
  stage: string;
  /** What was counted, e.g. "records", "circuits", "documents". */
  unit: string;
  items: number;
  seconds: number;
  /** The same work done the cheapest way we know (bare JSON.parse, hand-written predicate...). */
  floor?: { label: string; seconds: number };
  /** Peak resident set size during the stage, in MiB. */
  peakRssMiB: number;
  /** The same time as the row before, in another unit or against another floor: not counted again in the shares. */
  again?: boolean;
}
