-- advancement_load_input: which input the job has: whether input_csv is set (it is then
-- streamed with advancement_stream_input) and the staged_data JSON (small). $1 job id.
select input_csv is not null, staged_data
from public.import_jobs
where id = $1;
