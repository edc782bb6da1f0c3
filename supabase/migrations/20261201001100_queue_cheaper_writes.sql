-- Cheaper claims and completions: one index fewer on import_jobs, and no trigger call per
-- completed job.
--
-- 1. The unit quota reads the claim's indexes instead of its own.
--
-- A claim and a completion each change status, which partial indexes name, so neither can be a
-- HOT update: each writes a new entry into every index whose predicate the new row meets. A
-- claim (pending -> processing) wrote five, one of them into import_jobs_unit_unfinished_idx,
-- which only the quota check of an insert read. `make bench` measured index maintenance as the
-- largest part of the claim's cost (without three of the table's indexes the queue ran 28%
-- more no-op jobs per second).
--
-- The quota check now reads a unit's waiting jobs through import_jobs_unit_pending_idx (the
-- claim's index) and its running job through import_jobs_one_running_per_unit_key (at most one
-- row). Both are probes on unit_id; the waiting jobs are bounded by
-- import_limits.max_pending_jobs_per_unit, so the check reads a handful of rows whatever the
-- unit's history.

create or replace function import_private.check_unit_quota(p_unit_id uuid, p_new_bytes bigint)
    returns void
    language plpgsql
    volatile
    set search_path = ''
as $$
declare
    limits import_private.import_limits;
    waiting integer;
    waiting_bytes bigint;
    running_bytes bigint;
    held bigint;
begin
    perform pg_advisory_xact_lock(hashtextextended('import_jobs quota ' || p_unit_id::text, 0));
    select * into limits from import_private.import_limits where singleton;
    -- Sees the rows inserted earlier by the same statement (a multi-row insert counts them).
    -- One statement per status, so each is a probe of that status's partial index.
    select count(*), coalesce(sum(j.input_bytes), 0)
    into waiting, waiting_bytes
    from public.import_jobs j
    where j.unit_id = p_unit_id
      and j.status = 'pending';
    select coalesce(sum(j.input_bytes), 0)
    into running_bytes
    from public.import_jobs j
    where j.unit_id = p_unit_id
      and j.status = 'processing';
    held := waiting_bytes + running_bytes;
    if waiting >= limits.max_pending_jobs_per_unit then
        raise exception 'this unit already has % imports waiting; wait for them to finish or cancel some', waiting
            using errcode = 'check_violation',
                  hint = format('A unit may have at most %s imports waiting at once.', limits.max_pending_jobs_per_unit);
    end if;
    if held + coalesce(p_new_bytes, 0) > limits.max_unit_input_bytes then
        raise exception 'this unit''s waiting and running imports already hold % of files, and this one (%) would pass the limit of %; wait for them to finish or cancel some',
                pg_size_pretty(held), pg_size_pretty(coalesce(p_new_bytes, 0)), pg_size_pretty(limits.max_unit_input_bytes)
            using errcode = 'check_violation',
                  hint = 'Imports finish one at a time per unit; upload the next file when one is done.';
    end if;
end
$$;

drop index if exists public.import_jobs_unit_unfinished_idx;

-- 2. A completion re-marks its units itself.
--
-- A unit whose running job ends waits for a turn again when it has more pending jobs. The row
-- trigger import_jobs_unit_turns_update (20261201001000) did this with one function call per
-- completed job, about a fifth of a completion's cost. The worker's completion
-- (sql/queries/complete_jobs.sql) now re-marks the units of its whole group in the same
-- statement, so the trigger no longer fires for processing -> completed. It still serves every
-- other way a job stops running or becomes pending again (failure, cancel, release, the reaper,
-- a retry, an edit in Studio). A job set to completed by hand in Studio is covered by the
-- reaper's repair (repair_unit_turns_mark.sql) within a poll interval.
drop trigger if exists import_jobs_unit_turns_update on public.import_jobs;
create trigger import_jobs_unit_turns_update
    after update on public.import_jobs
    for each row
    when ((old.status = 'processing' and new.status not in ('processing', 'completed'))
          or (new.status = 'pending' and old.status <> 'pending'))
    execute function import_private.unit_turns_after_update();
