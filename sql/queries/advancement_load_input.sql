-- advancement_load_input: which input the job has: whether input_csv is set (it is then
-- streamed with advancement_stream_input), the staged_data JSON (small) and input_path (a
-- file in Supabase Storage, downloaded by the worker). $1 job id.
select input_csv is not null, staged_data, input_path
from public.import_jobs
where id = $1;
