-- A leader's retry is bounded: a failed or cancelled job can be run again a few times, not
-- forever. Each retry (retry_import_job, or an update of retry_requested_at) counts in
-- leader_retries; once it reaches max_leader_retries the request is refused with a message
-- that says what to do instead (upload the file again, which starts a new job).
--
-- Both columns are the database's alone: clients have no grant on them (their update grant
-- names cancel_requested_at and retry_requested_at only), so a leader cannot reset the count.

alter table public.import_jobs
    add column if not exists leader_retries integer not null default 0,
    add column if not exists max_leader_retries integer not null default 3;

alter table public.import_jobs drop constraint if exists import_jobs_leader_retries_check;
alter table public.import_jobs add constraint import_jobs_leader_retries_check
    check (leader_retries >= 0 and max_leader_retries between 0 and 20);

comment on column public.import_jobs.leader_retries is
    'How many times a leader has asked to run this job again (retry_import_job); bounded by max_leader_retries.';
comment on column public.import_jobs.max_leader_retries is
    'Retries a leader may request for this job (default 3); after that the file must be uploaded again as a new job.';

-- The state machine of cancel and retry requests, as in 20261129000500, with the retry bound.
create or replace function import_private.import_jobs_before_update() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if new.cancel_requested_at is distinct from old.cancel_requested_at then
        if new.cancel_requested_at is null then
            raise exception 'a cancel request cannot be withdrawn (job %)', old.id
                using errcode = '22023', hint = 'Retry the job once it has stopped.';
        end if;
        if old.status in ('completed', 'failed', 'cancelled') then
            raise exception 'import job % has already finished (status %), so it cannot be cancelled', old.id, old.status
                using errcode = '22023';
        end if;
        -- The server's clock, and the first request wins.
        new.cancel_requested_at := coalesce(old.cancel_requested_at, now());
        if old.status = 'pending' then
            new.status := 'cancelled';
            new.completed_at := now();
            new.current_phase := 'cancelled';
            new.error_message := 'Cancelled by a leader before it started.';
        end if;
    end if;

    if new.retry_requested_at is distinct from old.retry_requested_at then
        if new.retry_requested_at is null or old.status not in ('failed', 'cancelled') then
            raise exception 'only a failed or cancelled import job can be retried (job % is %)', old.id, old.status
                using errcode = '22023';
        end if;
        if old.input_purged_at is not null then
            raise exception 'the input of import job % was purged after the retention period; upload the file again', old.id
                using errcode = '22023';
        end if;
        if old.leader_retries >= old.max_leader_retries then
            raise exception 'import job % has already been retried % times, the most allowed; upload the file again to start a new import', old.id, old.leader_retries
                using errcode = '22023',
                      hint = 'Check the job''s error message first: the same file may fail the same way again.';
        end if;
        new.leader_retries := old.leader_retries + 1;
        new.retry_requested_at := now();
        new.status := 'pending';
        new.attempt := 0;
        new.run_after := now();
        new.cancel_requested_at := null;
        new.error_message := null;
        new.completed_at := null;
        new.current_phase := 'queued';
        new.lease_owner := null;
        new.lease_token := null;
        new.lease_expires_at := null;
    end if;
    return new;
end
$$;
comment on function import_private.import_jobs_before_update() is
    'Validates and applies cancel / retry requests on import_jobs; a job can be retried at most max_leader_retries times.';
revoke all on function import_private.import_jobs_before_update() from public;

comment on function public.retry_import_job(uuid) is
    'Runs a failed or cancelled import job again from its checkpoint (leaders of its unit only, at most max_leader_retries times per job). Returns the job''s new state.';
