-- The import job queue: import_jobs (one narrow row per job, followed live by the browser through
-- Supabase Realtime), its checkpoints and its per-item issues.
--
-- Who writes what:
--   * the browser (role authenticated, RLS) inserts a job and may request cancel or retry;
--   * the Go worker (role postgres) owns status, progress, results, leases and attempts.
-- Access rules are in 20261129000500_import_jobs_security.sql.

create table if not exists public.import_jobs (
    id uuid primary key default gen_random_uuid(),
    unit_id uuid not null references public.units (id) on delete cascade,
    created_by uuid not null references public.profiles (id),
    type text not null,
    status text not null default 'pending',

    -- Progress, written by the worker at most about once a second and on every phase change.
    total_scouts integer not null default 0,
    processed_scouts integer not null default 0,
    total_items integer not null default 0,
    processed_items integer not null default 0,
    current_phase text,

    -- Outcome.
    result jsonb,
    error_message text,

    created_at timestamptz not null default now(),
    started_at timestamptz,
    completed_at timestamptz,
    updated_at timestamptz not null default now(),

    -- Input: exactly one of staged_data (the app's StagedTroopAdvancement JSON) and input_csv.
    staged_data jsonb,
    selected_scout_ids jsonb not null default '[]'::jsonb,
    input_csv text,
    options jsonb not null default '{}'::jsonb,
    idempotency_key text,
    input_purged_at timestamptz,

    -- Queue bookkeeping, owned by the worker.
    attempt integer not null default 0,
    max_attempts integer not null default 5,
    run_after timestamptz not null default now(),
    lease_owner text,
    lease_token uuid,
    lease_expires_at timestamptz,
    heartbeat_at timestamptz,
    cancel_requested_at timestamptz,
    retry_requested_at timestamptz,

    constraint import_jobs_type_check
        check (type in ('troop_advancement', 'scout_history')),
    constraint import_jobs_status_check
        check (status in ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    constraint import_jobs_one_input_check
        check (num_nonnulls(staged_data, input_csv) = 1 or input_purged_at is not null),
    constraint import_jobs_selected_scout_ids_array_check
        check (jsonb_typeof(selected_scout_ids) = 'array'),
    constraint import_jobs_options_object_check
        check (jsonb_typeof(options) = 'object'),
    constraint import_jobs_counts_check
        check (total_scouts >= 0 and processed_scouts >= 0 and total_items >= 0 and processed_items >= 0),
    constraint import_jobs_attempts_check
        check (attempt >= 0 and max_attempts between 1 and 100),
    constraint import_jobs_lease_check
        check ((status = 'processing') = (lease_owner is not null and lease_token is not null and lease_expires_at is not null)),
    constraint import_jobs_idempotency_key_length_check
        check (idempotency_key is null or length(idempotency_key) between 1 and 200)
);

-- Progress columns change often: leave room on each page so those updates stay HOT.
alter table public.import_jobs set (fillfactor = 80);

comment on table public.import_jobs is
    'Background import jobs. Leaders insert a row (status pending); the Go worker claims it, imports in chunks and writes progress. Follow one job with Realtime (UPDATE, filter id=eq.<id>); admins use import_job_overview.';
comment on column public.import_jobs.id is 'Job id; the browser subscribes to Realtime with filter id=eq.<id>.';
comment on column public.import_jobs.unit_id is 'Unit whose data the job imports. Only leaders of this unit see the job.';
comment on column public.import_jobs.created_by is 'profiles.id of the leader who created the job; set from the caller''s JWT, cannot be supplied by clients.';
comment on column public.import_jobs.type is 'troop_advancement (Scoutbook Troop Advancement CSV) or scout_history (single-scout history report).';
comment on column public.import_jobs.status is 'pending -> processing -> completed | failed | cancelled. Written by the worker only.';
comment on column public.import_jobs.total_scouts is 'Scouts the job will import (known once the input is staged).';
comment on column public.import_jobs.processed_scouts is 'Scouts fully imported so far; rises monotonically to total_scouts.';
comment on column public.import_jobs.total_items is 'Items (ranks, badges, requirements) the job will look at; known before the first chunk.';
comment on column public.import_jobs.processed_items is 'Items handled so far (written, or found already present); rises monotonically to total_items.';
comment on column public.import_jobs.current_phase is 'What is happening: queued, starting, staging, scouts, requirement_definitions, ranks, merit_badges, rank_requirements, merit_badge_requirements, finishing, done; or retry_scheduled, failed, cancelled.';
comment on column public.import_jobs.result is 'Outcome (TroopAdvancementImportResult for troop imports): counts, capped warnings, timings. Full issue list in import_job_issues.';
comment on column public.import_jobs.error_message is 'Why the job failed or was cancelled, written for the leader.';
comment on column public.import_jobs.created_at is 'When the job was inserted.';
comment on column public.import_jobs.started_at is 'When a worker first claimed the job.';
comment on column public.import_jobs.completed_at is 'When the job reached completed, failed or cancelled.';
comment on column public.import_jobs.updated_at is 'Last change to the row (any writer).';
comment on column public.import_jobs.staged_data is 'The app''s StagedTroopAdvancement JSON (legacy preview flow). Exactly one of staged_data and input_csv is set.';
comment on column public.import_jobs.selected_scout_ids is 'JSON array of BSA member ids to import from staged_data or input_csv; empty means all scouts in the file.';
comment on column public.import_jobs.input_csv is 'The raw Scoutbook export; the worker parses and stages it. Purged after the retention period once the job is finished.';
comment on column public.import_jobs.options is 'Job options, e.g. {"dryRun": true, "createUnmatchedScouts": true, "scoutId": "<uuid>"}.';
comment on column public.import_jobs.input_purged_at is 'When the retention sweep removed input_csv/staged_data of this finished job (it can no longer be retried).';
comment on column public.import_jobs.idempotency_key is 'Optional client key; a second insert with the same key for the same unit is rejected (unique per unit).';
comment on column public.import_jobs.attempt is 'How many times a worker has claimed the job (1 on the first run).';
comment on column public.import_jobs.max_attempts is 'Attempts allowed before a transient failure or a lost lease fails the job.';
comment on column public.import_jobs.run_after is 'The job is not claimed before this time (retry backoff).';
comment on column public.import_jobs.lease_owner is 'Worker id holding the job while processing; together with lease_token it fences every worker write.';
comment on column public.import_jobs.lease_token is 'Fencing token, new on every claim: every worker write is conditional on it, so a worker that lost its lease cannot overwrite anything.';
comment on column public.import_jobs.lease_expires_at is 'The lease ends here unless the heartbeat extends it; then the reaper returns the job to pending.';
comment on column public.import_jobs.heartbeat_at is 'Last heartbeat of the worker holding the lease.';
comment on column public.import_jobs.cancel_requested_at is 'Set by a leader to cancel; a pending job is cancelled at once, a running one at its next chunk boundary.';
comment on column public.import_jobs.retry_requested_at is 'Set by a leader (or retry_import_job()) to run a failed or cancelled job again from its checkpoint.';

-- Claim path: the oldest runnable pending jobs.
create index if not exists import_jobs_pending_idx
    on public.import_jobs (created_at, id)
    where status = 'pending';
-- Reaper path: running jobs by lease expiry.
create index if not exists import_jobs_lease_idx
    on public.import_jobs (lease_expires_at)
    where status = 'processing';
-- At most one running import per unit, enforced by the database.
create unique index if not exists import_jobs_one_running_per_unit_key
    on public.import_jobs (unit_id)
    where status = 'processing';
-- A client's idempotency key is unique within its unit.
create unique index if not exists import_jobs_unit_idempotency_key
    on public.import_jobs (unit_id, idempotency_key)
    where idempotency_key is not null;
-- Listing a unit's jobs, newest first (the app's history screen, Studio).
create index if not exists import_jobs_unit_created_idx
    on public.import_jobs (unit_id, created_at desc);
create index if not exists import_jobs_created_by_idx
    on public.import_jobs (created_by);
-- Retention purge of finished jobs' inputs.
create index if not exists import_jobs_finished_idx
    on public.import_jobs (completed_at)
    where status in ('completed', 'failed', 'cancelled');

-- Checkpoints: a small cursor per job, written in the same transaction as a chunk's data so a
-- resumed job continues exactly where the last committed chunk ended. Kept out of import_jobs
-- so that checkpoint writes do not produce Realtime events.
create table if not exists public.import_job_checkpoints (
    job_id uuid primary key references public.import_jobs (id) on delete cascade,
    cursor jsonb not null,
    attempt integer not null,
    updated_at timestamptz not null default now()
);
comment on table public.import_job_checkpoints is
    'Resume cursor of each job, committed atomically with the chunk it describes. Worker only.';
comment on column public.import_job_checkpoints.job_id is 'The job.';
comment on column public.import_job_checkpoints.cursor is 'Handler-defined position (e.g. phase and last item done).';
comment on column public.import_job_checkpoints.attempt is 'Attempt that wrote the cursor.';
comment on column public.import_job_checkpoints.updated_at is 'When the cursor was last written.';

-- Issues: every warning and rejected row of a job, with where it came from. The job row only
-- carries counts and a capped sample in result.
create table if not exists public.import_job_issues (
    id bigint generated always as identity primary key,
    job_id uuid not null references public.import_jobs (id) on delete cascade,
    unit_id uuid not null references public.units (id) on delete cascade,
    severity text not null,
    code text not null,
    line integer,
    bsa_member_id text,
    scout_name text,
    item text,
    version text,
    message text not null,
    details jsonb,
    fingerprint text not null,
    created_at timestamptz not null default now(),
    constraint import_job_issues_severity_check check (severity in ('warning', 'error')),
    constraint import_job_issues_line_check check (line is null or line > 0)
);
create unique index if not exists import_job_issues_job_fingerprint_key
    on public.import_job_issues (job_id, fingerprint);
create index if not exists import_job_issues_unit_idx
    on public.import_job_issues (unit_id);
comment on table public.import_job_issues is
    'Warnings and rejected rows of import jobs, one per item, readable by the unit''s leaders. Written by the worker only.';
comment on column public.import_job_issues.id is 'Issue id.';
comment on column public.import_job_issues.job_id is 'The job that found the issue.';
comment on column public.import_job_issues.unit_id is 'The job''s unit (copied for row-level security).';
comment on column public.import_job_issues.severity is 'warning: imported with a caveat or skipped; error: the row was rejected.';
comment on column public.import_job_issues.code is 'Machine-readable type, e.g. requirement_not_found, unknown_merit_badge, invalid_row, version_fallback.';
comment on column public.import_job_issues.line is 'Line of the uploaded file (header = line 1), when the issue comes from one row.';
comment on column public.import_job_issues.bsa_member_id is 'BSA member id of the scout concerned.';
comment on column public.import_job_issues.scout_name is 'Scout name as in the file.';
comment on column public.import_job_issues.item is 'Rank, badge or requirement concerned, as in the file.';
comment on column public.import_job_issues.version is 'Requirement version text from the file.';
comment on column public.import_job_issues.message is 'What is wrong and what to do, for the leader.';
comment on column public.import_job_issues.details is 'Extra structured data (e.g. requestedVersion, usedVersion).';
comment on column public.import_job_issues.fingerprint is 'Stable key of the issue within its job, so a resumed job never records it twice.';
comment on column public.import_job_issues.created_at is 'When the issue was recorded.';

-- updated_at maintenance for import_jobs.
create or replace function import_private.touch_updated_at() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    new.updated_at := now();
    return new;
end
$$;
comment on function import_private.touch_updated_at() is 'Sets updated_at on every UPDATE.';

drop trigger if exists import_jobs_touch_updated_at on public.import_jobs;
create trigger import_jobs_touch_updated_at
    before update on public.import_jobs
    for each row execute function import_private.touch_updated_at();

-- Wake-up: one NOTIFY per inserting statement. The payload is the job id when one job was
-- inserted (the browser's case) and empty for a multi-row insert ("look at the queue"), so a
-- bulk insert never sends thousands of notifications. Notifications are a hint only: the
-- worker also polls.
create or replace function import_private.notify_import_jobs_inserted() returns trigger
    language plpgsql
    set search_path = ''
as $$
declare
    inserted_count integer;
    only_id uuid;
begin
    select count(*), min(id::text)::uuid into inserted_count, only_id
    from (select id from inserted_jobs where status = 'pending' limit 2) first_two;
    if inserted_count = 1 then
        perform pg_notify('import_jobs', only_id::text);
    elsif inserted_count > 1 then
        perform pg_notify('import_jobs', '');
    end if;
    return null;
end
$$;
comment on function import_private.notify_import_jobs_inserted() is
    'Statement-level: NOTIFY import_jobs with the new job id (or an empty payload for a multi-row insert).';

drop trigger if exists import_jobs_notify_insert on public.import_jobs;
create trigger import_jobs_notify_insert
    after insert on public.import_jobs
    referencing new table as inserted_jobs
    for each statement execute function import_private.notify_import_jobs_inserted();

-- Studio overview: one line per job, without the large columns.
create or replace view public.import_job_overview
    with (security_invoker = true)
as
select
    j.id,
    j.unit_id,
    u.name as unit_name,
    j.type,
    j.status,
    j.current_phase,
    j.processed_items,
    j.total_items,
    case when j.total_items > 0
         then round(100.0 * j.processed_items / j.total_items, 1)
    end as percent_done,
    j.processed_scouts,
    j.total_scouts,
    j.attempt,
    j.max_attempts,
    j.lease_owner,
    j.lease_expires_at,
    j.heartbeat_at,
    j.created_at,
    j.started_at,
    j.completed_at,
    j.started_at - j.created_at as wait_time,
    coalesce(j.completed_at, case when j.status = 'processing' then now() end) - j.started_at as duration,
    j.cancel_requested_at,
    j.error_message,
    (select count(*) from public.import_job_issues i where i.job_id = j.id and i.severity = 'warning') as warning_count,
    (select count(*) from public.import_job_issues i where i.job_id = j.id and i.severity = 'error') as error_count,
    octet_length(j.input_csv) as input_bytes,
    j.created_by
from public.import_jobs j
join public.units u on u.id = j.unit_id;

comment on view public.import_job_overview is
    'One line per import job for Supabase Studio: status, progress, attempts, wait time and duration, issue counts; no large columns. Security invoker: callers see only what RLS lets them see.';
comment on column public.import_job_overview.id is 'Job id.';
comment on column public.import_job_overview.unit_id is 'Unit of the job.';
comment on column public.import_job_overview.unit_name is 'Unit name.';
comment on column public.import_job_overview.type is 'troop_advancement or scout_history.';
comment on column public.import_job_overview.status is 'pending, processing, completed, failed or cancelled.';
comment on column public.import_job_overview.current_phase is 'What the worker is doing now.';
comment on column public.import_job_overview.processed_items is 'Items handled so far.';
comment on column public.import_job_overview.total_items is 'Items in the job.';
comment on column public.import_job_overview.percent_done is 'processed_items / total_items, in percent.';
comment on column public.import_job_overview.processed_scouts is 'Scouts done so far.';
comment on column public.import_job_overview.total_scouts is 'Scouts in the job.';
comment on column public.import_job_overview.attempt is 'Claims so far (1 on the first run).';
comment on column public.import_job_overview.max_attempts is 'Attempts allowed before the job fails.';
comment on column public.import_job_overview.lease_owner is 'Worker holding the job, while processing.';
comment on column public.import_job_overview.lease_expires_at is 'When the lease ends unless renewed; a later time with status processing means a stalled worker.';
comment on column public.import_job_overview.heartbeat_at is 'Last heartbeat of the worker.';
comment on column public.import_job_overview.created_at is 'When the job was submitted.';
comment on column public.import_job_overview.started_at is 'First claim.';
comment on column public.import_job_overview.completed_at is 'When the job ended.';
comment on column public.import_job_overview.wait_time is 'Time from submit to first claim.';
comment on column public.import_job_overview.duration is 'Time from first claim to the end (or to now while processing).';
comment on column public.import_job_overview.cancel_requested_at is 'When a leader asked to cancel.';
comment on column public.import_job_overview.error_message is 'Why the job failed or was cancelled.';
comment on column public.import_job_overview.warning_count is 'Warnings in import_job_issues.';
comment on column public.import_job_overview.error_count is 'Rejected rows in import_job_issues.';
comment on column public.import_job_overview.input_bytes is 'Size of the uploaded file (NULL once purged).';
comment on column public.import_job_overview.created_by is 'profiles.id of the leader who submitted the job.';
