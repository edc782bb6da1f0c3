// A static page with <ImportJobProgress> in each state, built from the recorded Realtime runs
// (scripts/browser-check.mjs bundles it with esbuild and opens it in headless Chromium).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ImportJobProgress } from '../../src/ImportJobProgress';
import { mergeJob } from '../../src/useImportJob';
import type { ImportJobRow } from '../../src/results';
import { FakeSupabase } from '../fakeSupabase';
import { loadRun, type RecordedRun } from '../fixtures';

/** rowAfter is the job as the database held it after the first n recorded updates. */
function rowAfter(run: RecordedRun, n: number): ImportJobRow {
  let row: ImportJobRow | null = run.initial;
  for (const u of run.updates.slice(0, n)) row = mergeJob(row, u.new);
  return row!;
}

const completed = loadRun('completed');
const running = completed.updates.findIndex((u) => Number(u.new.processed_items) > 0 && u.new.processed_items !== u.new.total_items);
const states: Record<string, ImportJobRow> = {
  pending: completed.initial,
  running: rowAfter(completed, running + 2),
  completed: completed.final,
  failed: loadRun('failed').final,
  preview: loadRun('dry-run').final,
};

// The channel subscribes at once (as Realtime does on a healthy connection).
class PageFake extends FakeSupabase {
  override channel(name: string) {
    const c = super.channel(name);
    const subscribe = c.subscribe.bind(c);
    c.subscribe = (cb) => {
      subscribe(cb);
      queueMicrotask(() => c.status('SUBSCRIBED'));
      return c;
    };
    return c;
  }
}

const root = document.getElementById('root')!;
const expected: Record<string, unknown> = {};
createRoot(root).render(
  <StrictMode>
    {Object.entries(states).map(([state, row]) => {
      const fake = new PageFake();
      fake.jobs.set(row.id, { ...row });
      expected[state] = { processed: row.processed_items, total: row.total_items, status: row.status, error: row.error_message };
      return (
        <div key={state} className="state" data-state={state}>
          <ImportJobProgress client={fake.client} jobId={row.id} issuesHref={(id) => `#/imports/${id}/issues`} />
        </div>
      );
    })}
  </StrictMode>,
);
(window as unknown as { expected: unknown }).expected = expected;
