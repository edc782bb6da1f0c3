-- purge_input_files: uploaded files (Supabase Storage, bucket imports) whose jobs' inputs were
-- purged but whose files have not been deleted yet. purge_inputs marks the job first; the
-- worker then deletes the files and clears input_path (purge_input_files_done), so a failed
-- deletion is simply tried again on the next sweep.
--
-- A file that another, not yet purged job still names is left alone until that job is purged
-- too. $1 batch size.
select j.id, j.input_path
from public.import_jobs j
where j.input_purged_at is not null
  and j.input_path is not null
  and not exists (
      select from public.import_jobs other
      where other.input_path = j.input_path
        and other.input_purged_at is null
  )
order by j.input_purged_at, j.id
limit $1;
