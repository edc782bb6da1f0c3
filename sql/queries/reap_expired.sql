-- reap_expired: rescue jobs whose lease expired (their worker died or hung). Safe to run on
-- every replica at once: SKIP LOCKED makes each expired job go to exactly one reaper.
--
-- A chunk in flight holds its job row FOR KEY SHARE (fence_check), so SKIP LOCKED passes over
-- that job until the chunk ends. A worker frozen inside a chunk does not end it: the worker's
-- sessions run with idle_in_transaction_session_timeout and TCP keepalives (jobs.SessionLimits,
-- shorter than the lease), so the server rolls the frozen chunk back and this query rescues
-- the job on its first run after the lease expired.
--
-- A job with attempts left goes back to pending; one that used them all fails with a message
-- a leader can act on; one whose cancel was requested ends cancelled. Returns what it did.
with expired as (
    select id
    from public.import_jobs
    where status = 'processing'
      and lease_expires_at < now()
    order by lease_expires_at
    limit 100
    for update skip locked
)
update public.import_jobs j
set status = case
        when j.cancel_requested_at is not null then 'cancelled'
        when j.attempt >= j.max_attempts then 'failed'
        else 'pending'
    end,
    error_message = case
        when j.cancel_requested_at is not null then 'Cancelled by a leader; what was imported before the cancel is kept.'
        when j.attempt >= j.max_attempts then format(
            'The import stopped responding %s times (worker %s was the last to hold it) and will not be retried automatically. Use retry to run it again from where it stopped.',
            j.attempt, j.lease_owner)
        else j.error_message
    end,
    completed_at = case
        when j.cancel_requested_at is not null or j.attempt >= j.max_attempts then now()
    end,
    current_phase = case
        when j.cancel_requested_at is not null then 'cancelled'
        when j.attempt >= j.max_attempts then 'failed'
        else 'queued'
    end,
    run_after = now(),
    lease_owner = null,
    lease_token = null,
    lease_expires_at = null
from expired
where j.id = expired.id
returning j.id, j.type, j.status, j.unit_id, j.attempt;
