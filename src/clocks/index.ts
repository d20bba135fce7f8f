export { computeClocks, clockProblems, compareClockStates, comparePointers, compileClock, latestClockStates, type ComputeOptions } from './compute.ts';
export { loadClockDefs, readClockDefs, checkClockText, checkClockDef, defaultDeadlinesDir, type ClockDefsResult } from './load.ts';
export { formatInstant } from '../time.ts';
export * from './types.ts';
