// The actions run through the real supabase-js client; only fetch is replaced, by a stand-in
// for PostgREST and Storage that records every request and answers as they do.
import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import {
  cancelImportJob,
  checkImportFile,
  getImportJobStatus,
  listImportJobIssues,
  listImportJobs,
  MAX_UPLOAD_BYTES,
  retryImportJob,
  startImportJob,
  type ImportKitClient,
} from '../src/actions';
import type { Database } from '../src/database.types';
import { ImportJobError, toImportJobError } from '../src/errors';

const unit = '2824d2c4-c74f-4ef3-818c-3fca1d3bf129';
const jobId = '1ce34eb3-beda-4e4a-a522-ad758f736e18';
const troopCSV = 'bsamemberid,firstname,nickname,middlename,lastname,advancementtype,advancement,version\n"900000101","Avery","","","Testwood","Rank","Tenderfoot Rank","2024"\n';

let clients = 0;

interface Seen {
  method: string;
  url: URL;
  body: string;
}
type Answer = { status: number; body?: unknown };

/** server builds a client whose fetch is answered by route(method, url). */
function server(route: (req: Seen) => Answer | undefined) {
  const seen: Seen[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // JSON bodies are strings; an upload is FormData (its content is not needed here).
    const s: Seen = { method: init?.method ?? 'GET', url: new URL(href), body: typeof init?.body === 'string' ? init.body : '' };
    seen.push(s);
    const a = route(s) ?? { status: 500, body: { message: `unexpected ${s.method} ${s.url.pathname}` } };
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  const client = createClient<Database>('http://supabase.test', 'anon-key', {
    global: { fetch },
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `test-${++clients}` },
  }) as ImportKitClient;
  return { client, seen };
}

const pgError = (code: string, message: string, hint: string | null = null) => ({ code, message, details: null, hint });

describe('startImportJob', () => {
  it('uploads the file to imports/<unit>/<uuid>.csv, then inserts input_path and reads back only id and status', async () => {
    const { client, seen } = server(({ method, url }) => {
      if (method === 'POST' && url.pathname.startsWith('/storage/v1/object/imports/')) return { status: 200, body: { Key: 'k', Id: 'i' } };
      if (method === 'POST' && url.pathname === '/rest/v1/import_jobs') return { status: 201, body: { id: jobId, status: 'pending' } };
    });
    const file = new File([troopCSV], 'troop.csv', { type: 'text/csv' });
    const started = await startImportJob(client, { unitId: unit, type: 'troop_advancement', file, options: { dryRun: true } });
    expect(started).toEqual({ id: jobId, status: 'pending', existing: false });

    expect(seen.map((s) => `${s.method} ${s.url.pathname.replace(/[0-9a-f-]{36}\.csv$/, '<uuid>.csv')}`)).toEqual([
      `POST /storage/v1/object/imports/${unit}/<uuid>.csv`,
      'POST /rest/v1/import_jobs',
    ]);
    const path = decodeURIComponent(seen[0]!.url.pathname.slice('/storage/v1/object/imports/'.length));
    const insert = seen[1]!;
    expect(insert.url.searchParams.get('select')).toBe('id,status');
    const body = JSON.parse(insert.body) as Record<string, unknown>;
    expect(body).toEqual({ unit_id: unit, type: 'troop_advancement', options: { dryRun: true }, selected_scout_ids: [], idempotency_key: null, input_path: path });
    expect(body).not.toHaveProperty('created_by');
    expect(body).not.toHaveProperty('input_csv');
  });

  it('inline mode sends the text in input_csv', async () => {
    const { client, seen } = server(({ method }) => (method === 'POST' ? { status: 201, body: { id: jobId, status: 'pending' } } : undefined));
    await startImportJob(client, { unitId: unit, type: 'troop_advancement', file: troopCSV, inputMode: 'inline' });
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body).input_csv).toBe(troopCSV);
  });

  it('a repeated idempotency key returns the existing job without uploading again', async () => {
    const { client, seen } = server(({ method, url }) => {
      if (method === 'GET' && url.pathname === '/rest/v1/import_jobs') return { status: 200, body: [{ id: jobId, status: 'processing' }] };
    });
    const started = await startImportJob(client, { unitId: unit, type: 'troop_advancement', file: troopCSV, idempotencyKey: 'form-1' });
    expect(started).toEqual({ id: jobId, status: 'processing', existing: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url.searchParams.get('idempotency_key')).toBe('eq.form-1');
    expect(seen[0]!.url.searchParams.get('unit_id')).toBe(`eq.${unit}`);
  });

  it('a concurrent submission with the same key (23505) also returns the existing job', async () => {
    let gets = 0;
    const { client } = server(({ method, url }) => {
      // First lookup: no job with this key yet; after the insert lost the race: the other one.
      if (method === 'GET') return gets++ === 0 ? { status: 200, body: [] } : { status: 200, body: [{ id: jobId, status: 'pending' }] };
      if (url.pathname.startsWith('/storage/')) return { status: 200, body: { Key: 'k' } };
      return { status: 409, body: pgError('23505', 'duplicate key value violates unique constraint "import_jobs_unit_idempotency_key"') };
    });
    const started = await startImportJob(client, { unitId: unit, type: 'troop_advancement', file: troopCSV, idempotencyKey: 'form-2' }).catch((e: unknown) => e);
    expect(started).toEqual({ id: jobId, status: 'pending', existing: true });
  });

  it.each([
    ['42501', 'new row violates row-level security policy for table "import_jobs"', null, 'forbidden', /Only the unit's active leaders can run imports/],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00', null, 'not_text', /not a CSV export/],
    ['22P05', 'unsupported Unicode escape sequence', null, 'not_text', /export the report as CSV/],
    ['57014', 'canceling statement due to statement timeout', null, 'timeout', /took too long to start the import/],
    ['23514', 'the uploaded file is too large: 130 MB for a Troop Advancement import (at most 128 MB)', 'Export fewer scouts at a time.', 'invalid',
      /^The uploaded file is too large: 130 MB for a Troop Advancement import \(at most 128 MB\)\. Export fewer scouts at a time\.$/],
    ['23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_options_object_check"', null, 'invalid', /^The import options are not valid/],
  ])('database error %s becomes a typed error for the leader', async (code, message, hint, kind, text) => {
    const { client } = server(({ url }) =>
      url.pathname.startsWith('/storage/') ? { status: 200, body: { Key: 'k' } } : { status: code === '57014' ? 500 : 400, body: pgError(code, message, hint) },
    );
    const err = await startImportJob(client, { unitId: unit, type: 'troop_advancement', file: troopCSV }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportJobError);
    expect((err as ImportJobError).kind).toBe(kind);
    expect((err as ImportJobError).message).toMatch(text);
    expect((err as ImportJobError).message).not.toMatch(/constraint|import_jobs_|relation/);
  });

  it('a refused upload (Storage policy) is a typed error and nothing is inserted', async () => {
    const { client, seen } = server(() => ({ status: 400, body: { statusCode: '403', error: 'Unauthorized', message: 'new row violates row-level security policy' } }));
    const err = (await startImportJob(client, { unitId: unit, type: 'troop_advancement', file: troopCSV }).catch((e: unknown) => e)) as ImportJobError;
    expect(err.kind).toBe('forbidden');
    expect(err.message).toMatch(/not allowed to upload the file/);
    expect(seen.filter((s) => s.url.pathname.startsWith('/rest/'))).toHaveLength(0);
  });

  it('checks the file before any request: binary, empty, wrong export', async () => {
    const { client, seen } = server(() => undefined);
    const xlsx = new Blob([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00])]);
    await expect(startImportJob(client, { unitId: unit, type: 'troop_advancement', file: xlsx })).rejects.toMatchObject({ kind: 'not_text' });
    await expect(checkImportFile(new Blob([]), 'troop_advancement')).rejects.toMatchObject({ kind: 'empty_file' });
    await expect(checkImportFile(new Blob([new Uint8Array([0xc3, 0x28, 0x41])]), 'troop_advancement')).rejects.toMatchObject({ kind: 'not_text' });
    const history = 'Generated: 02/03/2026 09:15:00\nScouts BSA History Report\n"Morgan Exampleton Troop 123 BOYS"\n';
    await expect(checkImportFile(history, 'troop_advancement')).rejects.toMatchObject({ kind: 'wrong_file', message: expect.stringMatching(/Scout History report/) });
    await expect(checkImportFile(troopCSV, 'scout_history')).rejects.toMatchObject({ kind: 'wrong_file' });
    await expect(checkImportFile('name,rank\nAlex,Scout\n', 'troop_advancement')).rejects.toMatchObject({ kind: 'wrong_file' });
    expect(await checkImportFile(history, 'scout_history')).toBe(history);
    expect(await checkImportFile('\uFEFF' + troopCSV, 'troop_advancement')).toContain('bsamemberid');
    // Over the bucket's limit: refused from its size, without reading it.
    const huge = { size: MAX_UPLOAD_BYTES + 1, arrayBuffer: () => Promise.reject(new Error('read')) } as unknown as Blob;
    await expect(startImportJob(client, { unitId: unit, type: 'troop_advancement', file: huge })).rejects.toMatchObject({ kind: 'too_large' });
    expect(seen).toHaveLength(0);
  });
});

describe('job status and requests', () => {
  it('getImportJobStatus selects the kit columns only (never the input) and maps a missing job', async () => {
    const { client, seen } = server(({ url }) =>
      url.searchParams.get('id') === `eq.${jobId}` ? { status: 200, body: [{ id: jobId, status: 'processing' }] } : { status: 200, body: [] },
    );
    await getImportJobStatus(client, jobId);
    const select = seen[0]!.url.searchParams.get('select')!;
    expect(select.split(',')).toContain('processed_items');
    expect(select).not.toMatch(/input_csv|staged_data|input_path/);
    const err = (await getImportJobStatus(client, 'ffffffff-0000-0000-0000-000000000000').catch((e: unknown) => e)) as ImportJobError;
    expect(err.kind).toBe('not_found');
  });

  it('cancel and retry call the RPCs; the database refusal and "not found" are typed', async () => {
    const { client, seen } = server(({ url }) => {
      if (url.pathname === '/rest/v1/rpc/cancel_import_job') return { status: 200, body: [{ id: jobId, status: 'cancelled' }] };
      if (url.pathname === '/rest/v1/rpc/retry_import_job')
        return { status: 400, body: pgError('22023', `only a failed or cancelled import job can be retried (job ${jobId} is processing)`) };
    });
    expect((await cancelImportJob(client, jobId)).status).toBe('cancelled');
    expect(JSON.parse(seen[0]!.body)).toEqual({ job_id: jobId });
    const err = (await retryImportJob(client, jobId).catch((e: unknown) => e)) as ImportJobError;
    expect(err.kind).toBe('invalid_state');
    expect(err.message).toBe('Only a failed or cancelled import job can be retried.');

    const gone = server(() => ({ status: 400, body: pgError('P0002', `import job ${jobId} not found`) }));
    await expect(cancelImportJob(gone.client, jobId)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('listImportJobIssues pages by id under the API cap', async () => {
    const page = Array.from({ length: 101 }, (_, i) => ({ id: 201 + i, severity: 'warning', code: 'unknown_merit_badge', message: 'm' }));
    const { client, seen } = server(() => ({ status: 200, body: page }));
    const got = await listImportJobIssues(client, jobId, { after: 200, limit: 100, severity: 'warning' });
    const q = seen[0]!.url.searchParams;
    expect(q.get('job_id')).toBe(`eq.${jobId}`);
    expect(q.get('id')).toBe('gt.200');
    expect(q.get('order')).toBe('id.asc');
    expect(q.get('limit')).toBe('101');
    expect(got.issues).toHaveLength(100);
    expect(got.nextAfter).toBe(300);

    const last = server(() => ({ status: 200, body: page.slice(0, 7) }));
    expect((await listImportJobIssues(last.client, jobId, { after: 300 })).nextAfter).toBeNull();
    const capped = server(() => ({ status: 200, body: [] }));
    await listImportJobIssues(capped.client, jobId, { limit: 50_000 });
    expect(capped.seen[0]!.url.searchParams.get('limit')).toBe('1001');
  });

  it('listImportJobs lists a unit newest first without results or inputs', async () => {
    const { client, seen } = server(() => ({ status: 200, body: [{ id: jobId, created_at: '2026-12-01T09:00:00+00:00' }] }));
    const got = await listImportJobs(client, unit, { limit: 20, before: '2026-12-02T00:00:00+00:00' });
    const q = seen[0]!.url.searchParams;
    expect(q.get('unit_id')).toBe(`eq.${unit}`);
    expect(q.get('order')).toBe('created_at.desc');
    expect(q.get('created_at')).toBe('lt.2026-12-02T00:00:00+00:00');
    expect(q.get('select')).not.toMatch(/result|input_csv|input_path/);
    expect(got).toEqual({ jobs: [{ id: jobId, created_at: '2026-12-01T09:00:00+00:00' }], nextBefore: null });
  });

  it('a network failure is a retryable typed error', () => {
    const err = toImportJobError(new TypeError('fetch failed'), 'read the import');
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/Check your internet connection/);
  });
});
