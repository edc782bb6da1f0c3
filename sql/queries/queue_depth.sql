-- queue_depth: jobs by type and status, for the metrics endpoint (pending, processing only).
select type, status, count(*)
from public.import_jobs
where status in ('pending', 'processing')
group by type, status;
