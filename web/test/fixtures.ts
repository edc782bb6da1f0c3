// The recorded Realtime runs (written by the Go test TestRecordRealtimeFixtures from real
// imports against the real schema).
import type { ImportJobRow } from '../src/results';
import completed from './fixtures/realtime/completed.json';
import dryRun from './fixtures/realtime/dry-run.json';
import failed from './fixtures/realtime/failed.json';

export interface RecordedUpdate {
  schema: string;
  table: string;
  commit_timestamp: string;
  eventType: 'UPDATE';
  new: Record<string, unknown>;
  old: Record<string, unknown>;
  errors: null;
}

export interface RecordedRun {
  scenario: string;
  initial: ImportJobRow;
  updates: RecordedUpdate[];
  final: ImportJobRow;
}

const runs = { completed, 'dry-run': dryRun, failed } as unknown as Record<string, RecordedRun>;

/** loadRun returns a fresh copy of a recorded run. */
export function loadRun(name: 'completed' | 'dry-run' | 'failed'): RecordedRun {
  return structuredClone(runs[name]!);
}
