-- release_job: hand a job back at once on graceful shutdown, fenced by the lease.
--
-- $1 job id, $2 lease token. The attempt is given back (a deploy is not the job's fault) and
-- the checkpoint stays; the status change NOTIFYs import_jobs so another replica resumes it
-- immediately.
update public.import_jobs
set status = 'pending',
    attempt = greatest(attempt - 1, 0),
    run_after = now(),
    current_phase = 'queued',
    lease_owner = null,
    lease_token = null,
    lease_expires_at = null
where id = $1
  and lease_token = $2
  and status = 'processing'
returning id;
