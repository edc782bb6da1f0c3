-- advancement_load_history_input: the input of a scout_history job. A single-scout report is
-- small, so it is read whole, but only after its size is checked here: an oversized upload is
-- never sent to the worker (its text comes back NULL with its size).
--
-- $1 job id, $2 the largest input read (bytes). Returns the input's size in bytes (NULL when
-- there is no input_csv), the input (NULL when over $2) and staged_data.
select octet_length(input_csv) as input_bytes,
       case when octet_length(input_csv) <= $2 then input_csv end as input_csv,
       staged_data
from public.import_jobs
where id = $1;
