-- purge_input_files_done: the files of these purged jobs are gone from Storage; forget their
-- paths. $1 job ids.
update public.import_jobs
set input_path = null
where id = any($1)
  and input_purged_at is not null;
