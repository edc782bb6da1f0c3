-- release_job: hand a job back at once on graceful shutdown, fenced by the lease.
--
-- $1 job id, $2 lease token. The attempt is given back (a deploy is not the job's fault) and
-- the checkpoint stays; the status change NOTIFYs import_jobs so another replica resumes it
-- immediately. A job whose cancel was requested meanwhile ends cancelled instead.
update public.import_jobs
set status = case when cancel_requested_at is not null then 'cancelled' else 'pending' end,
    attempt = greatest(attempt - 1, 0),
    run_after = now(),
    completed_at = case when cancel_requested_at is not null then now() end,
    error_message = case when cancel_requested_at is not null
        then 'Cancelled by a leader; what was imported before the cancel is kept.' end,
    current_phase = case when cancel_requested_at is not null then 'cancelled' else 'queued' end,
    lease_owner = null,
    lease_token = null,
    lease_expires_at = null
where id = $1
  and lease_token = $2
  and status = 'processing'
returning id;
