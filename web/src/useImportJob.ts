'use client';

// useImportJob follows one import job live: Realtime postgres_changes (UPDATE, filtered by
// id) while the channel is up, a refetch every time it (re)subscribes, a slow poll while it is
// down, and nothing once the job has ended. All state comes from the row, so a page that
// remounts (the leader navigated away and back) picks the job up where it is.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { cancelImportJob, getImportJobStatus, retryImportJob, type ImportKitClient } from './actions';
import { ImportJobError, toImportJobError } from './errors';
import { JOB_COLUMN_KEYS, isFinalStatus, type ImportJobRow } from './results';

export type ConnectionState = 'connecting' | 'live' | 'polling' | 'closed';

export interface UseImportJobOptions {
  /** Poll interval while the Realtime channel is down (default 10 s). */
  pollIntervalMs?: number;
}

export interface UseImportJob {
  /** The job's row, or null until the first read. */
  job: ImportJobRow | null;
  /** The last error (read, cancel or retry); cleared by the next successful read. */
  error: ImportJobError | null;
  /** How updates arrive: live (Realtime), polling (channel down), closed (job ended). */
  connection: ConnectionState;
  refetch: () => Promise<void>;
  cancel: () => Promise<void>;
  retry: () => Promise<void>;
}

/** mergeJob applies a Realtime record to the row: only known columns, never an older state. */
export function mergeJob(prev: ImportJobRow | null, record: Record<string, unknown>): ImportJobRow | null {
  if (prev && typeof record.updated_at === 'string' && record.updated_at < prev.updated_at) return prev;
  // Unchanged large columns are absent from the payload: keep what we have.
  const next: Record<string, unknown> = { ...(prev ?? {}) };
  for (const key of JOB_COLUMN_KEYS) {
    if (key in record) next[key] = record[key];
  }
  return prev || isCompleteRow(next) ? (next as ImportJobRow) : prev;
}

function isCompleteRow(r: Record<string, unknown>): boolean {
  return JOB_COLUMN_KEYS.every((k) => k in r);
}

/** newer picks the more recent of two reads of the row (a slow refetch must not undo an event). */
function newer(prev: ImportJobRow | null, fetched: ImportJobRow): ImportJobRow {
  return prev && prev.id === fetched.id && prev.updated_at > fetched.updated_at ? prev : fetched;
}

export function useImportJob(client: ImportKitClient, jobId: string | null | undefined, options: UseImportJobOptions = {}): UseImportJob {
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const [job, setJob] = useState<ImportJobRow | null>(null);
  const [error, setError] = useState<ImportJobError | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  // Bumped by retry: a retried job is running again and needs a channel again.
  const [generation, setGeneration] = useState(0);
  const refetchRef = useRef<() => Promise<void>>(async () => {});
  // The row as last committed, read by the Realtime callback (state updaters run later).
  const jobRef = useRef<ImportJobRow | null>(null);
  const commit = useCallback((next: ImportJobRow | null) => {
    jobRef.current = next;
    setJob(next);
  }, []);

  useEffect(() => {
    if (!jobId) return;
    let active = true;
    let channel: RealtimeChannel | null = null;
    let poll: ReturnType<typeof setInterval> | null = null;
    if (jobRef.current && jobRef.current.id !== jobId) commit(null);
    setConnection('connecting');

    const stopPolling = () => {
      if (poll !== null) clearInterval(poll);
      poll = null;
    };
    const close = () => {
      stopPolling();
      if (channel) {
        const c = channel;
        channel = null;
        void client.removeChannel(c);
      }
    };
    const apply = (row: ImportJobRow) => {
      if (!active) return;
      commit(newer(jobRef.current, row));
      if (isFinalStatus(row.status)) {
        close();
        setConnection('closed');
      }
    };
    const refetch = async () => {
      try {
        const row = await getImportJobStatus(client, jobId);
        if (!active) return;
        setError(null);
        apply(row);
      } catch (err) {
        if (active) setError(toImportJobError(err, 'read the import'));
      }
    };
    refetchRef.current = refetch;

    channel = client
      .channel(`import-job:${jobId}`)
      .on(
        'postgres_changes',
        { event: 'UPDATE', schema: 'public', table: 'import_jobs', filter: `id=eq.${jobId}` },
        (payload) => {
          if (!active) return;
          const record = payload.new as Record<string, unknown>;
          const merged = mergeJob(jobRef.current, record);
          // A payload before the first read cannot be merged (it may lack columns): read.
          if (merged === null) void refetch();
          else commit(merged);
          if (isFinalStatus(record.status as string)) {
            close();
            setConnection('closed');
          }
        },
      )
      .subscribe((status) => {
        if (!active) return;
        if (status === 'SUBSCRIBED') {
          // Up (first time or after a reconnect): events from now on; read what was missed.
          stopPolling();
          setConnection('live');
          void refetch();
        } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT' || status === 'CLOSED') {
          // supabase-js rejoins by itself; until then, poll slowly.
          if (!channel) return;
          setConnection('polling');
          if (poll === null) poll = setInterval(() => void refetch(), pollIntervalMs);
          void refetch();
        }
      });

    // Show the job at once (a remount resumes without waiting for the socket); the read
    // after SUBSCRIBED then covers anything between this read and the subscription.
    void refetch();

    return () => {
      active = false;
      close();
    };
  }, [client, jobId, pollIntervalMs, generation, commit]);

  const refetch = useCallback(() => refetchRef.current(), []);

  const cancel = useCallback(async () => {
    if (!jobId) return;
    try {
      const state = await cancelImportJob(client, jobId);
      if (jobRef.current) commit({ ...jobRef.current, ...state });
    } catch (err) {
      setError(toImportJobError(err, 'cancel the import'));
    }
  }, [client, jobId, commit]);

  const retry = useCallback(async () => {
    if (!jobId) return;
    try {
      const state = await retryImportJob(client, jobId);
      setError(null);
      if (jobRef.current) commit({ ...jobRef.current, ...state, completed_at: null });
      setGeneration((g) => g + 1);
    } catch (err) {
      setError(toImportJobError(err, 'retry the import'));
    }
  }, [client, jobId, commit]);

  return { job, error, connection, refetch, cancel, retry };
}
