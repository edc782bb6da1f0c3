-- advancement_load_history_input: the input of a scout_history job, or the Storage path of its
-- uploaded file. A single-scout report is small, so input_csv is read whole, but only when the
-- database has measured it within the limit: an oversized input is refused without sending it
-- to the worker (its text comes back NULL with its size).
--
-- $1 job id, $2 largest report the worker accepts (bytes). Returns the input's size in bytes
-- (NULL when there is no input_csv), the input (NULL when over $2), whether staged_data is set
-- (a history job cannot use it; the JSON itself is not sent) and input_path.
select octet_length(input_csv) as input_bytes,
       case when octet_length(input_csv) <= $2 then input_csv end as input_csv,
       staged_data is not null as has_staged_data,
       input_path
from public.import_jobs
where id = $1;
