-- fence_check: inside a chunk's transaction, prove that this worker still holds the lease and
-- keep it while the transaction runs, so a chunk's data is only ever committed by the lease
-- holder.
--
-- FOR KEY SHARE, not FOR SHARE: it blocks exactly the writers that could take the lease away
-- (the reaper and claims lock with FOR UPDATE ... SKIP LOCKED, so they skip the row until
-- the chunk commits) but not plain updates of non-key columns. With FOR SHARE a leader's
-- cancel request (an UPDATE of cancel_requested_at through the API, lock_timeout and
-- statement_timeout 8 s) and this worker's own heartbeat queued behind every chunk in flight,
-- and a cancel during a chunk longer than 8 s failed with a statement timeout.
--
-- It also returns whether the job's checkpoint is still the one this worker last committed
-- ($3, NULL before the first): if not, the database lost commits it had acknowledged (a
-- failover to a replica that was behind) and the worker must resume from what is really there
-- instead of its memory.
--
-- $1 job id, $2 lease token, $3 the cursor this worker last committed or loaded (jsonb).
select cancel_requested_at is not null as cancel_requested,
       (select c.cursor from public.import_job_checkpoints c where c.job_id = $1) is not distinct from $3::jsonb
           as checkpoint_intact
from public.import_jobs
where id = $1
  and lease_token = $2
  and status = 'processing'
for key share;
