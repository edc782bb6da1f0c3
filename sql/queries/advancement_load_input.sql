-- advancement_load_input: which input the job has, with its size measured in the database so
-- that an oversized input is refused before any of it is sent to the worker: whether
-- input_csv is set (it is then streamed with advancement_stream_input), the size of input_csv
-- and of staged_data as JSON text, and staged_data itself only when it is within the limit.
--
-- $1 job id, $2 largest input the worker accepts (bytes).
select input_csv is not null,
       coalesce(octet_length(input_csv), octet_length(staged_data::text), 0) as input_bytes,
       case when octet_length(staged_data::text) <= $2 then staged_data end
from public.import_jobs
where id = $1;
