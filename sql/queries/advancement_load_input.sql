-- advancement_load_input: the job's input, loaded once per attempt (never returned by claims
-- or progress writes). $1 job id.
select input_csv, staged_data
from public.import_jobs
where id = $1;
