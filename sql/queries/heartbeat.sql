-- heartbeat: extend the lease of a job this worker holds.
--
-- $1 job id, $2 lease token, $3 lease seconds. Returns no row when the lease was lost (the
-- reaper or a retry took the job): the worker must stop at once. Returns whether a cancel was
-- requested, the fallback path when the cancel NOTIFY was missed.
update public.import_jobs
set lease_expires_at = now() + make_interval(secs => $3),
    heartbeat_at = now()
where id = $1
  and lease_token = $2
  and status = 'processing'
returning cancel_requested_at is not null as cancel_requested;
