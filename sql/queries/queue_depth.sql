-- queue_depth: jobs by type and status, for the metrics endpoint (pending, processing only).
--
-- One branch per status, so that each reads only its own rows through its partial index
-- (import_jobs_unit_pending_idx, import_jobs_one_running_per_unit_key) instead of scanning the
-- whole table, finished jobs included, on every poll.
select type, 'pending' as status, count(*)
from public.import_jobs
where status = 'pending'
group by type
union all
select type, 'processing' as status, count(*)
from public.import_jobs
where status = 'processing'
group by type;
