-- advancement_load_history_input: the input of a scout_history job. A single-scout report is
-- small, so it is read whole, but only when the database has measured it within the limit:
-- an oversized input is refused without sending it to the worker.
--
-- $1 job id, $2 largest report the worker accepts (bytes).
select octet_length(input_csv) as input_bytes,
       case when octet_length(input_csv) <= $2 then input_csv end,
       staged_data is not null
from public.import_jobs
where id = $1;
