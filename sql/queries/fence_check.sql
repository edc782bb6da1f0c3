-- fence_check: inside a chunk's transaction, prove that this worker still holds the lease and
-- keep it while the transaction runs (FOR SHARE blocks the reaper's update until commit), so a
-- chunk's data is only ever committed by the lease holder.
--
-- $1 job id, $2 lease token.
select cancel_requested_at is not null as cancel_requested
from public.import_jobs
where id = $1
  and lease_token = $2
  and status = 'processing'
for share;
