-- Cheaper completions: no trigger call per completed job.
--
-- A completion re-marks its units itself.
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
