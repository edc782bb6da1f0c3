// Every failure of the kit's actions is an ImportJobError: a kind the app can branch on and
// a message a troop leader can act on (never a constraint name or a stack trace).

export type ImportJobErrorKind =
  /** The same idempotency key was used for another import of the unit. */
  | 'duplicate'
  /** The request was refused by a rule of the database (size, options, input). */
  | 'invalid'
  /** The signed-in user may not do this for this unit. */
  | 'forbidden'
  /** The file is not text (a spreadsheet, a PDF, a picture). */
  | 'not_text'
  /** The file is not the export this import reads. */
  | 'wrong_file'
  /** The file is empty. */
  | 'empty_file'
  /** The file is larger than an upload may be. */
  | 'too_large'
  /** The server took too long. */
  | 'timeout'
  /** The job does not exist or the user cannot see it. */
  | 'not_found'
  /** The job is not in a state that allows this (e.g. cancelling a finished job). */
  | 'invalid_state'
  /** The browser could not reach Supabase. */
  | 'network'
  /** Anything else. */
  | 'unknown';

/** The shape of errors supabase-js returns (PostgrestError, StorageError, AuthError...). */
export interface SupabaseErrorLike {
  code?: string | null;
  message?: string | null;
  details?: string | null;
  hint?: string | null;
  status?: number | string | null;
  statusCode?: number | string | null;
  name?: string | null;
}

export class ImportJobError extends Error {
  override readonly name = 'ImportJobError';
  readonly kind: ImportJobErrorKind;
  /** The database or HTTP code, for logs and support (not for display). */
  readonly code: string | undefined;
  /** The original error, for logs. */
  override readonly cause: unknown;

  constructor(kind: ImportJobErrorKind, message: string, options: { code?: string | undefined; cause?: unknown } = {}) {
    super(message);
    this.kind = kind;
    this.code = options.code;
    this.cause = options.cause;
  }

  /** Whether trying the same thing again later may succeed. */
  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'network';
  }
}

// Leader messages for the database's own constraint names, when a raw constraint error (no
// sentence written by the schema) comes back.
const CHECK_MESSAGES: Array<[RegExp, string]> = [
  [/one_input/, 'The import needs exactly one file. Choose the export again and retry.'],
  [/options/, 'The import options are not valid for this kind of import.'],
  [/selected_scout_ids/, 'The list of selected scouts is not valid. Select the scouts again.'],
  [/idempotency_key/, 'The request key is too long. Reload the page and try again.'],
  [/type_check/, 'This kind of import is not supported.'],
  [/input_path/, 'The uploaded file is not in this unit\'s folder. Upload the file again.'],
];

/**
 * toImportJobError turns anything supabase-js (or fetch) returned or threw into an
 * ImportJobError. `action` names what was being done, for the generic messages.
 */
export function toImportJobError(err: unknown, action = 'complete the request'): ImportJobError {
  if (err instanceof ImportJobError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SupabaseErrorLike;
  const code = e.code ?? undefined;
  const message = e.message ?? '';
  const status = Number(e.statusCode ?? e.status ?? NaN);
  const sentence = leaderSentence(e);
  const opts = { code: code ?? (Number.isNaN(status) ? undefined : String(status)), cause: err };

  switch (code) {
    case '23505':
      return new ImportJobError('duplicate', 'This import was already submitted. Open it from the list of imports.', opts);
    case '23514': {
      if (sentence && !/violates check constraint/i.test(message)) return new ImportJobError('invalid', sentence, opts);
      const known = CHECK_MESSAGES.find(([re]) => re.test(message));
      return new ImportJobError('invalid', known?.[1] ?? 'The import request was refused: something in it is not valid. Check the file and the options and try again.', opts);
    }
    case '42501':
      if (sentence && /profile/i.test(message)) return new ImportJobError('forbidden', sentence, opts);
      return new ImportJobError('forbidden', `You are not allowed to ${action} for this unit. Only the unit's active leaders can run imports; ask a unit admin if you should be one.`, opts);
    case '22021':
    case '22P05':
      return new ImportJobError('not_text', notTextMessage, opts);
    case '57014':
      return new ImportJobError('timeout', `The server took too long to ${action}. Wait a moment and try again.`, opts);
    case 'P0002':
    case 'PGRST116':
      return new ImportJobError('not_found', 'This import no longer exists, or you cannot see it. Open the list of your unit\'s imports.', opts);
    case '22023':
      return new ImportJobError('invalid_state', sentence || `This import cannot ${action} now.`, opts);
    case 'PGRST301':
    case 'PGRST302':
      return new ImportJobError('forbidden', 'Your session has expired. Sign in again and retry.', opts);
  }
  if (/not found/i.test(message)) {
    return new ImportJobError('not_found', 'This import no longer exists, or you cannot see it. Open the list of your unit\'s imports.', opts);
  }
  if (status === 413 || /too large|exceeded the maximum allowed size/i.test(message)) {
    return new ImportJobError('too_large', tooLargeMessage, opts);
  }
  if (status === 401 || status === 403 || /row-level security|unauthorized/i.test(message)) {
    return new ImportJobError('forbidden', `You are not allowed to ${action} for this unit. Only the unit's active leaders can run imports; ask a unit admin if you should be one.`, opts);
  }
  if (status === 408 || status === 504 || /timeout|timed out/i.test(message)) {
    return new ImportJobError('timeout', `The server took too long to ${action}. Wait a moment and try again.`, opts);
  }
  if (/fetch failed|failed to fetch|network|load failed/i.test(message) || e.name === 'TypeError') {
    return new ImportJobError('network', `Could not reach the server to ${action}. Check your internet connection and try again.`, opts);
  }
  return new ImportJobError('unknown', `Could not ${action}. Try again; if it keeps failing, tell your unit admin.`, opts);
}

export const notTextMessage =
  'This file is not a CSV export (it contains binary data, as a spreadsheet or PDF does). In Scoutbook, export the report as CSV and upload that file.';
export const tooLargeMessage =
  'This file is too large to upload. Export fewer scouts at a time (for example one patrol per file) and upload each file.';

/** The database's own sentence for the leader: message and hint, when they were written for people. */
function leaderSentence(e: SupabaseErrorLike): string {
  // Job ids mean nothing to a leader: "import job <uuid> has already finished" -> "this import ...".
  const msg = (e.message ?? '')
    .replace(/\s*\((job|import job) [0-9a-f-]{36}[^)]*\)/gi, '')
    .replace(/import job [0-9a-f-]{36}/gi, 'this import')
    .trim();
  if (!msg) return '';
  const first = msg.charAt(0).toUpperCase() + msg.slice(1);
  const withStop = /[.!?]$/.test(first) ? first : `${first}.`;
  const hint = (e.hint ?? '').trim();
  return hint ? `${withStop} ${hint}` : withStop;
}
