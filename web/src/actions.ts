// Job actions. Each takes the caller's supabase client, so the same function works in a
// Server Action or Route Handler (createServerClient from @supabase/ssr) and in the browser
// (createBrowserClient): RLS decides with the signed-in leader's JWT either way.
//
// Every failure is thrown as an ImportJobError with a message for the leader.

import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types';
import { ImportJobError, notTextMessage, toImportJobError, tooLargeMessage } from './errors';
import {
  ISSUE_COLUMNS,
  JOB_COLUMNS,
  type HistoryJobOptions,
  type ImportJobIssue,
  type ImportJobRow,
  type ImportJobStatus,
  type ImportJobType,
  type TroopJobOptions,
} from './results';

/** A supabase-js client typed with the generated database types. */
export type ImportKitClient = SupabaseClient<Database>;

type JobInsert = Database['public']['Tables']['import_jobs']['Insert'];

/** The Storage bucket uploads go to; objects are named <unit_id>/<uuid>.csv. */
export const IMPORT_BUCKET = 'imports';

/** The imports bucket's size limit per file (300 MiB, as set by its migration). */
export const MAX_UPLOAD_BYTES = 300 * 1024 * 1024;

export interface StartImportJobParams {
  unitId: string;
  type: ImportJobType;
  /** The Scoutbook export: a File from an <input type="file">, a Blob, or its text. */
  file: Blob | string;
  options?: TroopJobOptions | HistoryJobOptions;
  /** BSA member ids to import; empty or absent: every scout of the file. */
  selectedScoutIds?: string[];
  /**
   * A key the app keeps for one submission (e.g. crypto.randomUUID() when the form opens):
   * submitting twice with the same key returns the first job instead of creating a second.
   */
  idempotencyKey?: string;
  /**
   * 'storage' (default): upload the file to the private `imports` bucket and insert its path
   * (the row stays small). 'inline': send the text in input_csv (small files, or projects
   * without Storage).
   */
  inputMode?: 'storage' | 'inline';
}

export interface StartedImportJob {
  id: string;
  status: ImportJobStatus;
  /** True when the idempotency key matched a job submitted before: nothing new was created. */
  existing: boolean;
}

/**
 * startImportJob checks the file in the browser (size, text, export kind), uploads it to
 * Storage and inserts the job. It returns the job's id and status only: the insert never
 * reads the row back with its input.
 */
export async function startImportJob(client: ImportKitClient, params: StartImportJobParams): Promise<StartedImportJob> {
  const { unitId, type, idempotencyKey } = params;
  const text = await checkImportFile(params.file, type);

  if (idempotencyKey) {
    const found = await findByIdempotencyKey(client, unitId, idempotencyKey);
    if (found) return found;
  }

  const row: Partial<JobInsert> = {
    unit_id: unitId,
    type,
    options: (params.options ?? {}) as JobInsert['options'],
    selected_scout_ids: params.selectedScoutIds ?? [],
    idempotency_key: idempotencyKey ?? null,
  };
  if ((params.inputMode ?? 'storage') === 'storage') {
    const path = `${unitId}/${crypto.randomUUID()}.csv`;
    const body = typeof params.file === 'string' ? new Blob([params.file], { type: 'text/csv' }) : params.file;
    const { error } = await client.storage.from(IMPORT_BUCKET).upload(path, body, { contentType: 'text/csv', upsert: false });
    if (error) throw toImportJobError(error, 'upload the file');
    row.input_path = path;
  } else {
    row.input_csv = text;
  }
  return insertJob(client, row);
}

/**
 * insertJob inserts a job row. created_by is not sent: the database sets it from the caller's
 * JWT (clients may not write it), hence the cast of the generated Insert type.
 */
async function insertJob(client: ImportKitClient, row: Partial<JobInsert>): Promise<StartedImportJob> {
  const { data, error } = await client
    .from('import_jobs')
    .insert(row as JobInsert)
    .select('id, status')
    .single();
  if (error) {
    if (error.code === '23505' && row.idempotency_key && row.unit_id) {
      const found = await findByIdempotencyKey(client, row.unit_id, row.idempotency_key);
      if (found) return found;
    }
    throw toImportJobError(error, 'start the import');
  }
  return { id: data.id, status: data.status as ImportJobStatus, existing: false };
}

async function findByIdempotencyKey(client: ImportKitClient, unitId: string, key: string): Promise<StartedImportJob | null> {
  const { data, error } = await client
    .from('import_jobs')
    .select('id, status')
    .eq('unit_id', unitId)
    .eq('idempotency_key', key)
    .maybeSingle();
  if (error) throw toImportJobError(error, 'start the import');
  return data ? { id: data.id, status: data.status as ImportJobStatus, existing: true } : null;
}

/**
 * checkImportFile refuses, before any upload, what the worker would refuse: an empty or too
 * large file, binary content (a spreadsheet saved as .xlsx, a PDF), and the wrong export
 * (a History report for a Troop Advancement import and the reverse). Returns the text.
 */
export async function checkImportFile(file: Blob | string, type: ImportJobType): Promise<string> {
  let bytes: Uint8Array;
  if (typeof file === 'string') {
    bytes = new TextEncoder().encode(file);
  } else {
    if (file.size > MAX_UPLOAD_BYTES) throw new ImportJobError('too_large', tooLargeMessage);
    bytes = new Uint8Array(await file.arrayBuffer());
  }
  if (bytes.length === 0) {
    throw new ImportJobError('empty_file', 'This file is empty. Export the report from Scoutbook again and upload the new file.');
  }
  if (bytes.length > MAX_UPLOAD_BYTES) throw new ImportJobError('too_large', tooLargeMessage);
  if (bytes.includes(0)) throw new ImportJobError('not_text', notTextMessage);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportJobError('not_text', notTextMessage);
  }
  const kind = exportKind(text);
  if (type === 'troop_advancement' && kind !== 'troop_advancement') {
    throw new ImportJobError(
      'wrong_file',
      kind === 'scout_history'
        ? 'This is a Scout History report, not a Troop Advancement export. Use the history import for it, or export Troop Advancement from Scoutbook.'
        : 'This file is not a Scoutbook Troop Advancement export (its first line should list columns such as bsamemberid, firstname, lastname, advancementtype). Export Troop Advancement as CSV from Scoutbook and upload that file.',
    );
  }
  if (type === 'scout_history' && kind !== 'scout_history') {
    throw new ImportJobError(
      'wrong_file',
      kind === 'troop_advancement'
        ? 'This is a Troop Advancement export, not a Scout History report. Use the troop import for it.'
        : 'This file is not a Scoutbook Scout History report. Open the scout in Scoutbook, export the History report as CSV and upload that file.',
    );
  }
  return text;
}

/** exportKind recognises the two Scoutbook exports from their first lines. */
export function exportKind(text: string): ImportJobType | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/, 12).map((l) => l.trim().toLowerCase());
  const header = lines.find((l) => l !== '') ?? '';
  const cols = header.split(',').map((c) => c.replace(/^"|"$/g, '').trim());
  if (cols.includes('bsamemberid') && cols.includes('advancementtype')) return 'troop_advancement';
  if (lines.some((l) => l.includes('history report'))) return 'scout_history';
  return null;
}

/** getImportJobStatus reads the job's progress columns (never its input). */
export async function getImportJobStatus(client: ImportKitClient, jobId: string): Promise<ImportJobRow> {
  const { data, error } = await client.from('import_jobs').select(JOB_COLUMNS).eq('id', jobId).maybeSingle();
  if (error) throw toImportJobError(error, 'read the import');
  if (!data) throw toImportJobError({ code: 'PGRST116' }, 'read the import');
  return data;
}

/** The state returned by cancel_import_job and retry_import_job. */
export type JobStateChange = Database['public']['Functions']['cancel_import_job']['Returns'][number];

/**
 * cancelImportJob asks the worker to stop: a pending job is cancelled at once, a running one
 * at its next chunk boundary (its status turns cancelled shortly after).
 */
export async function cancelImportJob(client: ImportKitClient, jobId: string): Promise<JobStateChange> {
  const { data, error } = await client.rpc('cancel_import_job', { job_id: jobId });
  if (error) throw toImportJobError(error, 'cancel the import');
  const state = data?.[0];
  if (!state) throw toImportJobError({ code: 'P0002' }, 'cancel the import');
  return state;
}

/** retryImportJob runs a failed or cancelled job again, from where it stopped. */
export async function retryImportJob(client: ImportKitClient, jobId: string): Promise<JobStateChange> {
  const { data, error } = await client.rpc('retry_import_job', { job_id: jobId });
  if (error) throw toImportJobError(error, 'retry the import');
  const state = data?.[0];
  if (!state) throw toImportJobError({ code: 'P0002' }, 'retry the import');
  return state;
}

/**
 * confirmDryRun starts the real import of a finished dry run: the same file (the uploaded
 * object, or the same text), scouts and options, without dryRun. Confirming twice returns the
 * same job.
 */
export async function confirmDryRun(client: ImportKitClient, dryRunJobId: string): Promise<StartedImportJob> {
  const { data, error } = await client
    .from('import_jobs')
    .select('unit_id, type, status, input_path, options, selected_scout_ids, input_purged_at')
    .eq('id', dryRunJobId)
    .maybeSingle();
  if (error) throw toImportJobError(error, 'start the import');
  if (!data) throw toImportJobError({ code: 'PGRST116' }, 'start the import');
  if (data.status !== 'completed') {
    throw new ImportJobError('invalid_state', 'The preview has not finished yet. Wait for it, then confirm.');
  }
  if (data.input_purged_at) {
    throw new ImportJobError('invalid_state', 'This preview is too old: its file was removed. Upload the file again.');
  }
  const options = { ...(data.options as Record<string, unknown>) };
  delete options.dryRun;
  const row: Partial<JobInsert> = {
    unit_id: data.unit_id,
    type: data.type,
    options: options as JobInsert['options'],
    selected_scout_ids: data.selected_scout_ids,
    idempotency_key: `confirm:${dryRunJobId}`,
  };
  const existing = await findByIdempotencyKey(client, data.unit_id, `confirm:${dryRunJobId}`);
  if (existing) return existing;
  if (data.input_path) {
    row.input_path = data.input_path;
  } else {
    const input = await client.from('import_jobs').select('input_csv').eq('id', dryRunJobId).single();
    if (input.error) throw toImportJobError(input.error, 'start the import');
    row.input_csv = input.data.input_csv;
  }
  return insertJob(client, row);
}

export interface IssuePage {
  issues: ImportJobIssue[];
  /** Pass as `after` for the next page; null when this was the last page. */
  nextAfter: number | null;
}

/**
 * listImportJobIssues pages through a job's warnings and rejected rows, in file order of
 * discovery (by id). A job can have 100,000 issues and the Data API caps every response, so
 * it pages by key (`after` = the last id seen), which stays fast on the last page too.
 */
export async function listImportJobIssues(
  client: ImportKitClient,
  jobId: string,
  page: { after?: number; limit?: number; severity?: 'warning' | 'error'; code?: string } = {},
): Promise<IssuePage> {
  const limit = Math.min(Math.max(page.limit ?? 100, 1), 1000);
  let q = client.from('import_job_issues').select(ISSUE_COLUMNS).eq('job_id', jobId);
  if (page.after !== undefined) q = q.gt('id', page.after);
  if (page.severity) q = q.eq('severity', page.severity);
  if (page.code) q = q.eq('code', page.code);
  const { data, error } = await q.order('id', { ascending: true }).limit(limit + 1);
  if (error) throw toImportJobError(error, 'list the warnings');
  const issues = data.slice(0, limit);
  const last = issues[issues.length - 1];
  return { issues, nextAfter: data.length > limit && last ? last.id : null };
}

/** The columns of a job list: no result, no input. */
export const JOB_LIST_COLUMNS =
  'id, unit_id, type, status, current_phase, total_items, processed_items, total_scouts, processed_scouts, error_message, created_at, started_at, completed_at, options' as const;

export type ImportJobListItem = Pick<
  ImportJobRow,
  | 'id'
  | 'unit_id'
  | 'type'
  | 'status'
  | 'current_phase'
  | 'total_items'
  | 'processed_items'
  | 'total_scouts'
  | 'processed_scouts'
  | 'error_message'
  | 'created_at'
  | 'started_at'
  | 'completed_at'
  | 'options'
>;

/** listImportJobs lists a unit's jobs, newest first, `limit` at a time (before = created_at of the last one seen). */
export async function listImportJobs(
  client: ImportKitClient,
  unitId: string,
  page: { before?: string; limit?: number } = {},
): Promise<{ jobs: ImportJobListItem[]; nextBefore: string | null }> {
  const limit = Math.min(Math.max(page.limit ?? 20, 1), 200);
  let q = client.from('import_jobs').select(JOB_LIST_COLUMNS).eq('unit_id', unitId);
  if (page.before) q = q.lt('created_at', page.before);
  const { data, error } = await q.order('created_at', { ascending: false }).limit(limit + 1);
  if (error) throw toImportJobError(error, 'list the imports');
  const jobs = data.slice(0, limit);
  const last = jobs[jobs.length - 1];
  return { jobs, nextBefore: data.length > limit && last ? last.created_at : null };
}
