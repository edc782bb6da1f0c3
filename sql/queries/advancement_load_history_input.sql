-- advancement_load_history_input: the input of a scout_history job (a single-scout report is
-- small, so it is read whole), or the Storage path of its uploaded file. $1 job id.
select input_csv, staged_data, input_path
from public.import_jobs
where id = $1;
