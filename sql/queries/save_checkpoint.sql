-- save_checkpoint: store a job's resume cursor; run inside the chunk's transaction.
--
-- $1 job id, $2 cursor (jsonb), $3 attempt.
insert into public.import_job_checkpoints (job_id, cursor, attempt, updated_at)
values ($1, $2, $3, now())
on conflict (job_id) do update
set cursor = excluded.cursor,
    attempt = excluded.attempt,
    updated_at = excluded.updated_at;
