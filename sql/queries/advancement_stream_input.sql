-- advancement_stream_input: the job's input_csv, one line per row (split on LF), so the worker
-- streams a large export instead of holding it whole in memory. Joining the rows with LF
-- gives back the exact text (quoted newlines and CR included). The rows come in file order:
-- the function scan emits them in the order string_to_table produces them.
--
-- $1 job id.
select part
from string_to_table((select input_csv from public.import_jobs where id = $1), E'\n') as part;
