import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mergeJob, useImportJob } from '../src/useImportJob';
import type { ImportJobRow } from '../src/results';
import { FakeSupabase } from './fakeSupabase';
import { loadRun } from './fixtures';

const completed = loadRun('completed');
const jobId = completed.initial.id;

function setup(row: ImportJobRow = completed.initial) {
  const fake = new FakeSupabase();
  fake.jobs.set(row.id, { ...row });
  return fake;
}

/** The row after the first n recorded payloads, as the database held it. */
function rowAfter(n: number): ImportJobRow {
  let row: ImportJobRow | null = completed.initial;
  for (const u of completed.updates.slice(0, n)) row = mergeJob(row, u.new);
  return row!;
}

/** flush lets pending reads resolve (waitFor cannot poll while setInterval is faked). */
const flush = () => act(() => vi.advanceTimersByTimeAsync(0));

afterEach(() => {
  vi.useRealTimers();
});

describe('useImportJob', () => {
  it('subscribes to UPDATEs of this job only, reads the row once SUBSCRIBED and merges every recorded payload', async () => {
    const fake = setup();
    const { result } = renderHook(() => useImportJob(fake.client, jobId));
    const [channel] = fake.channels;
    expect(channel?.handlers[0]?.filter).toEqual({ event: 'UPDATE', schema: 'public', table: 'import_jobs', filter: `id=eq.${jobId}` });

    // Read at once, and again once subscribed (events from then on, the row up to then).
    await waitFor(() => expect(result.current.job?.status).toBe('pending'));
    expect(result.current.connection).toBe('connecting');
    expect(fake.reads).toEqual([jobId]);
    act(() => channel!.status('SUBSCRIBED'));
    await waitFor(() => expect(fake.reads).toEqual([jobId, jobId]));
    expect(result.current.connection).toBe('live');

    for (const u of completed.updates) {
      act(() => channel!.emit(u));
      expect(result.current.job?.processed_items).toBe(u.new.processed_items);
      expect(result.current.job?.current_phase).toBe(u.new.current_phase);
    }
    expect(result.current.job?.status).toBe('completed');
    expect(result.current.job?.result).toEqual(completed.final.result);
    // The payloads carry every column (lease, input path...); the hook keeps the kit's columns.
    expect(Object.keys(result.current.job!).sort()).toEqual(Object.keys(completed.final).sort());
  });

  it('keeps what it has for a column absent from a payload (unchanged TOASTed values are not sent)', () => {
    const before = { ...rowAfter(3), result: { warnings: [] } } as unknown as ImportJobRow;
    const payload = { ...completed.updates[3]!.new };
    delete payload.result;
    const merged = mergeJob(before, payload)!;
    expect(merged.result).toEqual({ warnings: [] });
    expect(merged.processed_items).toBe(payload.processed_items);
  });

  it('ignores a payload older than the row it has (a late event after a refetch)', () => {
    const latest = rowAfter(8);
    const stale = completed.updates[2]!.new;
    expect(mergeJob(latest, stale)).toBe(latest);
  });

  it('stops at a final status: the channel is removed and nothing is polled', async () => {
    const fake = setup();
    const { result } = renderHook(() => useImportJob(fake.client, jobId));
    const channel = fake.channels[0]!;
    act(() => channel.status('SUBSCRIBED'));
    await waitFor(() => expect(result.current.job).not.toBeNull());
    for (const u of completed.updates) act(() => channel.emit(u));
    expect(channel.removed).toBe(true);
    expect(result.current.connection).toBe('closed');
  });

  it('polls slowly while the channel is down and reads again when it resubscribes', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const fake = setup(rowAfter(4));
    const { result } = renderHook(() => useImportJob(fake.client, jobId, { pollIntervalMs: 10_000 }));
    const channel = fake.channels[0]!;
    act(() => channel.status('SUBSCRIBED'));
    await flush();
    expect(result.current.job?.current_phase).toBe(rowAfter(4).current_phase);
    expect(fake.reads).toHaveLength(2); // on mount and once subscribed

    act(() => channel.status('CHANNEL_ERROR'));
    expect(result.current.connection).toBe('polling');
    await flush();
    expect(fake.reads).toHaveLength(3); // read at once
    // Meanwhile the worker moved on; no event arrives, the poll finds it.
    fake.jobs.set(jobId, { ...rowAfter(7) });
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(fake.reads).toHaveLength(4);
    expect(result.current.job?.processed_items).toBe(rowAfter(7).processed_items);

    act(() => channel.status('SUBSCRIBED')); // supabase-js rejoined
    await flush();
    expect(fake.reads).toHaveLength(5);
    expect(result.current.connection).toBe('live');
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(fake.reads).toHaveLength(5); // no polling while live

    act(() => channel.status('TIMED_OUT'));
    expect(result.current.connection).toBe('polling');
    await flush();
    expect(fake.reads).toHaveLength(6);
  });

  it('removes its channel on unmount', async () => {
    const fake = setup();
    const { unmount } = renderHook(() => useImportJob(fake.client, jobId));
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    unmount();
    expect(fake.channels[0]!.removed).toBe(true);
    expect(fake.openChannels).toHaveLength(0);
  });

  it('resumes after a remount from the row: the job is where the database says', async () => {
    const fake = setup();
    const first = renderHook(() => useImportJob(fake.client, jobId));
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    for (const u of completed.updates.slice(0, 3)) act(() => fake.channels[0]!.emit(u));
    first.unmount();

    // The leader was on another page while the worker went on.
    fake.jobs.set(jobId, { ...rowAfter(8) });
    const second = renderHook(() => useImportJob(fake.client, jobId));
    act(() => fake.channels[1]!.status('SUBSCRIBED'));
    await waitFor(() => expect(second.result.current.job?.processed_items).toBe(rowAfter(8).processed_items));
    expect(fake.openChannels).toEqual([fake.channels[1]]);
  });

  it('reports a job the user cannot see as not_found', async () => {
    const fake = new FakeSupabase();
    const { result } = renderHook(() => useImportJob(fake.client, '00000000-0000-0000-0000-000000000000'));
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    await waitFor(() => expect(result.current.error?.kind).toBe('not_found'));
    expect(result.current.error?.message).toMatch(/no longer exists, or you cannot see it/);
  });
});
