// What the JSON and text columns of import_jobs hold. The generated database.types.ts says
// `result: Json | null` and `status: string`; these types say what the worker writes there.
// They are checked against the Go code by test/contract.test.ts: every field of a Go result
// struct, every warning kind, phase and status must appear here.

import type { Database } from './database.types';

type Tables = Database['public']['Tables'];

/** A row of import_jobs as the kit reads it (see JOB_COLUMNS: never the uploaded input). */
export type ImportJobRow = Pick<
  Tables['import_jobs']['Row'],
  | 'id'
  | 'unit_id'
  | 'type'
  | 'status'
  | 'current_phase'
  | 'total_scouts'
  | 'processed_scouts'
  | 'total_items'
  | 'processed_items'
  | 'result'
  | 'error_message'
  | 'created_at'
  | 'started_at'
  | 'completed_at'
  | 'updated_at'
  | 'attempt'
  | 'max_attempts'
  | 'cancel_requested_at'
  | 'options'
>;

/** The columns the kit selects: small, and what the progress screen needs. */
export const JOB_COLUMNS =
  'id, unit_id, type, status, current_phase, total_scouts, processed_scouts, total_items, processed_items, result, error_message, created_at, started_at, completed_at, updated_at, attempt, max_attempts, cancel_requested_at, options' as const;

/** The keys of ImportJobRow, for merging Realtime payloads (which carry every column). */
export const JOB_COLUMN_KEYS = JOB_COLUMNS.split(', ') as ReadonlyArray<keyof ImportJobRow>;

/** A row of import_job_issues as listImportJobIssues returns it. */
export type ImportJobIssue = Pick<
  Tables['import_job_issues']['Row'],
  'id' | 'severity' | 'code' | 'line' | 'bsa_member_id' | 'scout_name' | 'item' | 'version' | 'message' | 'details'
>;

export const ISSUE_COLUMNS = 'id, severity, code, line, bsa_member_id, scout_name, item, version, message, details' as const;

/** import_jobs.type */
export const JOB_TYPES = ['troop_advancement', 'scout_history'] as const;
export type ImportJobType = (typeof JOB_TYPES)[number];

/** import_jobs.status: pending -> processing -> completed | failed | cancelled. */
export const JOB_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type ImportJobStatus = (typeof JOB_STATUSES)[number];

/** Statuses after which the row no longer changes (unless a leader retries). */
export const FINAL_STATUSES: ReadonlyArray<ImportJobStatus> = ['completed', 'failed', 'cancelled'];

export function isFinalStatus(status: string | null | undefined): boolean {
  return FINAL_STATUSES.includes(status as ImportJobStatus);
}

/** import_jobs.current_phase, with what the progress screen says for each. */
export const PHASE_LABELS = {
  queued: 'Waiting for the worker',
  starting: 'Starting',
  staging: 'Reading the file',
  scouts: 'Matching scouts',
  requirement_definitions: 'Checking requirement definitions',
  ranks: 'Importing ranks',
  merit_badges: 'Importing merit badges',
  rank_requirements: 'Importing rank requirements',
  merit_badge_requirements: 'Importing merit badge requirements',
  leadership: 'Importing leadership positions',
  activities: 'Importing activities',
  finishing: 'Finishing',
  done: 'Done',
  retry_scheduled: 'Interrupted, will retry shortly',
  failed: 'Failed',
  cancelled: 'Cancelled',
} as const;
export type ImportJobPhase = keyof typeof PHASE_LABELS;
export const PHASES = Object.keys(PHASE_LABELS) as ImportJobPhase[];

export function phaseLabel(phase: string | null | undefined): string {
  if (!phase) return 'Waiting for the worker';
  return (PHASE_LABELS as Record<string, string>)[phase] ?? phase.replaceAll('_', ' ');
}

/** import_job_issues.code and result.warnings[].type, with a heading for each group. */
export const WARNING_KIND_LABELS = {
  invalid_row: 'Rows that could not be read',
  invalid_value: 'Values that could not be read (taken as empty)',
  requirement_refused: 'Requirement ids refused',
  unknown_rank: 'Unknown ranks',
  unknown_merit_badge: 'Unknown merit badges',
  historical_badge_mapped: 'Historical badges mapped to current ones',
  requirement_not_found: 'Requirements not found',
  requirement_recorded_for_unit: 'Requirement ids recorded for this unit only',
  scout_not_found: 'Scouts not found in the unit',
  inactive_scout: 'Inactive scouts',
  duplicate_scout_records: 'Scouts recorded twice',
  version_mismatch: 'Requirements completed under another version',
  version_unknown: 'Requirement versions not recognised',
  version_fallback: 'Requirement versions replaced by the nearest known one',
  unknown_leadership_position: 'Unknown leadership positions',
  leadership_without_start_date: 'Leadership positions without a start date',
  report_line_ignored: 'Report lines ignored',
} as const;
export type WarningKind = keyof typeof WARNING_KIND_LABELS;
export const WARNING_KINDS = Object.keys(WARNING_KIND_LABELS) as WarningKind[];

export function warningKindLabel(kind: string): string {
  return (WARNING_KIND_LABELS as Record<string, string>)[kind] ?? kind.replaceAll('_', ' ');
}

/** One warning of result.warnings (the first 100; all are in import_job_issues). */
export interface ImportWarning {
  type: WarningKind | (string & {});
  scout?: string;
  badge?: string;
  rank?: string;
  requirement?: string;
  version?: string;
  message: string;
  requestedVersion?: string;
  usedVersion?: string;
  count?: number;
  line?: number;
  /** The file's column (header name) of a value that could not be read. */
  field?: string;
  /** The value as the file had it (shortened). */
  value?: string;
}

/** One line of result.warningSummary: how many warnings of a kind, in words. */
export interface WarningGroup {
  type: WarningKind | (string & {});
  count: number;
  message: string;
}

/** Row counts of the uploaded troop file. */
export interface FileRowStats {
  rows: number;
  notSelected: number;
  notAwarded: number;
  incompleteRequirements: number;
  headerRows: number;
  otherRows: number;
  duplicateRows: number;
  unknownItems: number;
  /** Rows skipped because they could not be used at all. */
  invalidRows: number;
  /** Values of imported rows that could not be read and were taken as empty. */
  invalidValues: number;
  /** Requirement rows skipped because their id was refused. */
  refusedRequirementIds: number;
}

/** result of a troop_advancement job (the app's TroopAdvancementImportResult, extended). */
export interface TroopImportResult {
  scoutsCreated: number;
  ranksImported: number;
  rankRequirementsImported: number;
  badgesImported: number;
  badgeRequirementsImported: number;
  duplicatesSkipped: number;
  warnings: ImportWarning[];
  dryRun: boolean;
  scoutsInFile: number;
  scoutsMatched: number;
  scoutsSkipped: number;
  itemsUpdated: number;
  unknownItems: number;
  /** Requirement ids the reference data lacked, recorded for the unit only. */
  requirementDefinitionsRegistered: number;
  /** Rows of the file that were skipped (each is an invalid_row warning with its line). */
  skippedRows: number;
  /** How many warnings of each kind (all of them, not only the sample). */
  warningCounts: Record<string, number>;
  /** One line per kind, most important first. */
  warningSummary: WarningGroup[];
  warningCount: number;
  warningsTruncated: boolean;
  rows: FileRowStats;
  /** Milliseconds per phase, and "total". */
  timingsMs: Record<string, number>;
  /** Present on a dry run (options.dryRun). */
  preview?: TroopPreview;
}

/** What a troop import would do (dry run). */
export interface TroopPreview {
  summary: TroopPreviewSummary;
  scouts: TroopPreviewScout[];
}

export interface TroopPreviewSummary {
  totalScouts: number;
  matchedScouts: number;
  unmatchedScouts: number;
  newRanks: number;
  newRankRequirements: number;
  newMeritBadges: number;
  newMeritBadgeRequirements: number;
  duplicates: number;
  updates: number;
}

export interface TroopPreviewScout {
  bsaMemberId: string;
  fullName: string;
  scoutId?: string;
  matchStatus: 'matched' | 'unmatched';
  newItems: number;
  duplicates: number;
  updates: number;
}

/** result of a scout_history job. */
export interface HistoryImportResult {
  ranksImported: number;
  requirementsImported: number;
  badgesImported: number;
  leadershipImported: number;
  activitiesImported: number;
  duplicatesSkipped: number;
  warnings: ImportWarning[];
  dryRun: boolean;
  preview?: HistoryPreview;
  timingsMs: Record<string, number>;
  scoutId: string;
  scoutName: string;
  bsaMemberId?: string;
  matchedBy: 'scoutId' | 'bsaMemberId';
  rankRequirementsImported: number;
  badgeRequirementsImported: number;
  ranksStarted: number;
  badgesStarted: number;
  itemsUpdated: number;
  unknownItems: number;
  requirementDefinitionsRegistered: number;
  warningCount: number;
  warningsTruncated: boolean;
  notes: HistoryNote[];
}

export interface HistoryNote {
  line?: number;
  section?: string;
  message: string;
}

export interface HistoryPreview {
  summary: HistoryPreviewSummary;
  ranks: HistoryPreviewItem[];
  meritBadges: HistoryPreviewItem[];
  leadership: HistoryPreviewItem[];
  activities: HistoryPreviewItem[];
}

export interface HistoryPreviewSummary {
  newRanks: number;
  newRankRequirements: number;
  newMeritBadges: number;
  newMeritBadgeRequirements: number;
  newLeadership: number;
  newActivities: number;
  updates: number;
  duplicates: number;
  requirementDefinitionsToRegister: number;
}

export interface HistoryPreviewItem {
  code?: string;
  name: string;
  status?: 'awarded' | 'in_progress';
  date?: string;
  endDate?: string;
  version?: number;
  quantity?: string;
  requirements?: number;
  newRequirements?: number;
  action: 'new' | 'update' | 'duplicate';
  line?: number;
}

/** import_jobs.options of a troop_advancement job. */
export interface TroopJobOptions {
  dryRun?: boolean;
  createUnmatchedScouts?: boolean;
  /** Fail the whole file on the first row problem instead of skipping the row. */
  strict?: boolean;
}

/** import_jobs.options of a scout_history job. */
export interface HistoryJobOptions {
  dryRun?: boolean;
  /** The scout (scouts.id) the report belongs to; default: matched by the report's BSA id. */
  scoutId?: string;
  /** Fail the whole report when a line cannot be read instead of skipping the line. */
  strict?: boolean;
}

export type ImportResult = TroopImportResult | HistoryImportResult;

/** The job's result, typed by its job type (null until the job has ended). */
export function troopResult(job: Pick<ImportJobRow, 'type' | 'result'>): TroopImportResult | null {
  return job.type === 'troop_advancement' && isObject(job.result) ? (job.result as unknown as TroopImportResult) : null;
}

export function historyResult(job: Pick<ImportJobRow, 'type' | 'result'>): HistoryImportResult | null {
  return job.type === 'scout_history' && isObject(job.result) ? (job.result as unknown as HistoryImportResult) : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
