-- Who may do what with import jobs.
--
-- Leaders (active membership with role admin, treasurer or leader) of a unit may insert and
-- read that unit's jobs and issues, and request cancel or retry. Nobody else sees anything;
-- anon gets nothing. Clients write only the client columns (column-level grants); status,
-- progress, results, leases and attempts are the worker's alone. created_by always comes from
-- the caller's JWT. Grants are explicit: Supabase no longer auto-grants new public tables.

alter table public.import_jobs enable row level security;
alter table public.import_job_checkpoints enable row level security;
alter table public.import_job_issues enable row level security;

revoke all on public.import_jobs from public, anon, authenticated;
revoke all on public.import_job_checkpoints from public, anon, authenticated;
revoke all on public.import_job_issues from public, anon, authenticated;
revoke all on public.import_job_overview from public, anon, authenticated;

-- Read: the whole row (Realtime payloads and the app's existing select('*') need it). The UI
-- should select explicit columns and leave input_csv / staged_data out.
grant select on public.import_jobs to authenticated;
-- Insert: only the client columns.
grant insert (unit_id, type, staged_data, selected_scout_ids, input_csv, options, idempotency_key)
    on public.import_jobs to authenticated;
-- Update: only the two request columns; the trigger below turns them into state changes.
grant update (cancel_requested_at, retry_requested_at) on public.import_jobs to authenticated;
grant select on public.import_job_issues to authenticated;
grant select on public.import_job_overview to authenticated;

grant all on public.import_jobs, public.import_job_checkpoints, public.import_job_issues to service_role;
grant select on public.import_job_overview to service_role;
grant usage on sequence public.import_job_issues_id_seq to service_role;

drop policy if exists import_jobs_select_leaders on public.import_jobs;
create policy import_jobs_select_leaders on public.import_jobs
    for select to authenticated
    using (import_private.is_unit_leader(unit_id));

drop policy if exists import_jobs_insert_leaders on public.import_jobs;
create policy import_jobs_insert_leaders on public.import_jobs
    for insert to authenticated
    with check (
        import_private.is_unit_leader(unit_id)
        and created_by = (select import_private.current_profile_id())
        and status = 'pending'
        and attempt = 0
    );

drop policy if exists import_jobs_update_leaders on public.import_jobs;
create policy import_jobs_update_leaders on public.import_jobs
    for update to authenticated
    using (import_private.is_unit_leader(unit_id))
    with check (import_private.is_unit_leader(unit_id));

drop policy if exists import_job_issues_select_leaders on public.import_job_issues;
create policy import_job_issues_select_leaders on public.import_job_issues
    for select to authenticated
    using (import_private.is_unit_leader(unit_id));

-- import_job_checkpoints: RLS on and no policy: the worker (BYPASSRLS) only.

-- created_by from the JWT: a client cannot name another profile (the column is not granted
-- either); a call without JWT claims (the worker, service tooling) must name it itself.
create or replace function import_private.import_jobs_before_insert() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if auth.uid() is not null then
        new.created_by := import_private.current_profile_id();
        if new.created_by is null then
            raise exception 'no profile is linked to the signed-in user, so the import job cannot be created'
                using errcode = '42501',
                      hint = 'Ask a unit admin to link your login to your profile.';
        end if;
    end if;
    return new;
end
$$;
comment on function import_private.import_jobs_before_insert() is
    'Sets import_jobs.created_by from the caller''s JWT (profiles.user_id = auth.uid()).';

drop trigger if exists import_jobs_before_insert on public.import_jobs;
create trigger import_jobs_before_insert
    before insert on public.import_jobs
    for each row execute function import_private.import_jobs_before_insert();

-- Cancel and retry requests. A client may only move cancel_requested_at / retry_requested_at;
-- this trigger validates the request and turns it into the state change:
--   cancel: stamped with the server's time; a pending job is cancelled at once, a running one
--           is cancelled by its worker at the next chunk boundary (NOTIFY import_job_cancel);
--           a cancel request cannot be withdrawn.
--   retry:  only from failed or cancelled; back to pending with fresh attempts, keeping the
--           checkpoint so the job resumes where it stopped.
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
    'Validates and applies cancel / retry requests on import_jobs.';

drop trigger if exists import_jobs_before_update on public.import_jobs;
create trigger import_jobs_before_update
    before update of cancel_requested_at, retry_requested_at on public.import_jobs
    for each row execute function import_private.import_jobs_before_update();

-- Wake the worker on state changes that need one: a job that became pending again (retry, or
-- released by a stopping worker) and a cancel request on a running job.
create or replace function import_private.import_jobs_after_update_notify() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if new.status = 'pending' and old.status <> 'pending' then
        perform pg_notify('import_jobs', new.id::text);
    end if;
    if new.cancel_requested_at is not null and old.cancel_requested_at is null and new.status = 'processing' then
        perform pg_notify('import_job_cancel', new.id::text);
    end if;
    return null;
end
$$;
comment on function import_private.import_jobs_after_update_notify() is
    'NOTIFY import_jobs when a job becomes pending again; NOTIFY import_job_cancel when a running job is asked to cancel.';

-- No column list: a retry only names retry_requested_at, and the BEFORE trigger changes the
-- status; a column-list trigger would not see that. The WHEN clause looks at the final row,
-- so progress updates never call the function.
drop trigger if exists import_jobs_after_update_notify on public.import_jobs;
create trigger import_jobs_after_update_notify
    after update on public.import_jobs
    for each row
    when (old.status is distinct from new.status
          or old.cancel_requested_at is distinct from new.cancel_requested_at)
    execute function import_private.import_jobs_after_update_notify();

-- RPC for supabase-js: supabase.rpc('cancel_import_job', { job_id }). Security invoker, so RLS
-- decides; a job the caller cannot see is "not found". Returns the job's state only (never
-- its multi-megabyte input).
create or replace function public.cancel_import_job(job_id uuid)
    returns table (id uuid, status text, current_phase text, attempt integer,
                   cancel_requested_at timestamptz, retry_requested_at timestamptz, error_message text)
    language plpgsql
    security invoker
    set search_path = ''
as $$
begin
    return query
    update public.import_jobs j
    set cancel_requested_at = now()
    where j.id = cancel_import_job.job_id
    returning j.id, j.status, j.current_phase, j.attempt, j.cancel_requested_at, j.retry_requested_at, j.error_message;
    if not found then
        raise exception 'import job % not found', cancel_import_job.job_id using errcode = 'P0002';
    end if;
end
$$;
comment on function public.cancel_import_job(uuid) is
    'Requests cancellation of an import job (leaders of its unit only). Returns the job''s new state.';

-- supabase.rpc('retry_import_job', { job_id }): run a failed or cancelled job again.
create or replace function public.retry_import_job(job_id uuid)
    returns table (id uuid, status text, current_phase text, attempt integer,
                   cancel_requested_at timestamptz, retry_requested_at timestamptz, error_message text)
    language plpgsql
    security invoker
    set search_path = ''
as $$
begin
    return query
    update public.import_jobs j
    set retry_requested_at = now()
    where j.id = retry_import_job.job_id
    returning j.id, j.status, j.current_phase, j.attempt, j.cancel_requested_at, j.retry_requested_at, j.error_message;
    if not found then
        raise exception 'import job % not found', retry_import_job.job_id using errcode = 'P0002';
    end if;
end
$$;
comment on function public.retry_import_job(uuid) is
    'Runs a failed or cancelled import job again from its checkpoint (leaders of its unit only). Returns the job''s new state.';

revoke all on function public.cancel_import_job(uuid) from public, anon;
revoke all on function public.retry_import_job(uuid) from public, anon;
grant execute on function public.cancel_import_job(uuid) to authenticated, service_role;
grant execute on function public.retry_import_job(uuid) to authenticated, service_role;

-- Trigger functions are not callable by clients.
revoke all on function import_private.import_jobs_before_insert() from public;
revoke all on function import_private.import_jobs_before_update() from public;
revoke all on function import_private.import_jobs_after_update_notify() from public;
revoke all on function import_private.notify_import_jobs_inserted() from public;
revoke all on function import_private.touch_updated_at() from public;
