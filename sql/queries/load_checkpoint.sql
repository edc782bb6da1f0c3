-- load_checkpoint: the resume cursor of a job, if any. $1 job id.
select cursor
from public.import_job_checkpoints
where job_id = $1;
