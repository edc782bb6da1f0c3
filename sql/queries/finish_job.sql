-- finish_job: end a job as failed or cancelled, fenced by the lease.
--
-- $1 job id, $2 lease token, $3 status ('failed' or 'cancelled'), $4 message for the leader,
-- $5 result (jsonb, may be null: keeps what the handler reported so far).
update public.import_jobs
set status = $3,
    error_message = $4,
    result = coalesce($5, result),
    completed_at = now(),
    current_phase = $3,
    lease_owner = null,
    lease_token = null,
    lease_expires_at = null
where id = $1
  and lease_token = $2
  and status = 'processing'
returning id;
