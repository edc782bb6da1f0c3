-- complete_job: mark a job completed with its result, fenced by the lease.
--
-- $1 job id, $2 lease token, $3 result (jsonb). Progress is set to its totals, so the bar ends
-- at 100%. Returns no row when the lease was lost.
update public.import_jobs
set status = 'completed',
    result = $3,
    completed_at = now(),
    current_phase = 'done',
    processed_items = total_items,
    processed_scouts = total_scouts,
    error_message = null,
    lease_owner = null,
    lease_token = null,
    lease_expires_at = null
where id = $1
  and lease_token = $2
  and status = 'processing'
returning id;
