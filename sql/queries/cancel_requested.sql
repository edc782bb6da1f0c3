-- cancel_requested: whether a leader asked to cancel a job this worker holds. A notification
-- on the cancel channel is only a hint (any session may send one); this row decides.
--
-- $1 job id, $2 lease token. No row when the lease was lost.
select cancel_requested_at is not null as cancel_requested
from public.import_jobs
where id = $1
  and lease_token = $2
  and status = 'processing';
