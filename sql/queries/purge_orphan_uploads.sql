-- purge_orphan_uploads: uploads in bucket imports that no job names and that are older than
-- the retention period: a browser or script uploaded the file but never created its job (the
-- insert failed or the user gave up). The worker deletes them through the Storage API.
--
-- $1 age in seconds, $2 batch size.
select o.name
from storage.objects o
where o.bucket_id = 'imports'
  and o.created_at < now() - make_interval(secs => $1)
  and not exists (
      select from public.import_jobs j
      where j.input_path = o.name
  )
order by o.created_at, o.name
limit $2;
