-- retry_later: return a job to the queue after a transient error, fenced by the lease.
--
-- $1 job id, $2 lease token, $3 message, $4 backoff seconds. The checkpoint stays, so the next
-- attempt resumes where this one stopped.
update public.import_jobs
set status = 'pending',
    error_message = $3,
    run_after = now() + make_interval(secs => $4),
    current_phase = 'retry_scheduled',
    lease_owner = null,
    lease_token = null,
    lease_expires_at = null
where id = $1
  and lease_token = $2
  and status = 'processing'
returning id;
