-- Uploads through Supabase Storage: a job can name a file in the private bucket `imports`
-- (import_jobs.input_path) instead of carrying the export in input_csv.
--
-- A Scoutbook export is several megabytes. Sent in the row, it makes the INSERT too big for the
-- Realtime change stream and for the `authenticated` statement timeout; in Storage the row
-- stays small. The browser (or `worker submit`) uploads the file to
-- imports/<unit_id>/<any name>.csv as the signed-in leader, then inserts the job with
-- input_path = '<unit_id>/<any name>.csv'. The worker downloads it with the service role key
-- and deletes it with the retention purge.
--
-- Who may do what with the files:
--   * active leaders (admin, treasurer, leader) of a unit may upload and read objects whose
--     first folder is that unit's id: the same rule as for the unit's import jobs;
--   * nobody else: no other member, no other unit's leader, no anon;
--   * nobody may overwrite or delete an object through the API roles (no UPDATE or DELETE
--     policy): an upload is the input of a job and stays as it was until the purge removes
--     it with the service role (which bypasses row-level security).
--
-- On Supabase the storage schema belongs to the Storage service; this file only adds a bucket
-- row and policies, which the postgres role may do there. The local stand-in provides the same
-- tables.

-- The bucket ------------------------------------------------------------------------------------

-- Private (no public URLs), CSV and plain text only, 300 MiB per file: a troop export is
-- 5-11 MB, a 2,000-scout district export near 300 MB (the project's global upload limit, 50 MB
-- on the free plan, may be lower). Windows browsers label .csv files
-- application/vnd.ms-excel when Excel is installed, so that type is allowed too; the worker
-- parses the content whatever the label.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('imports', 'imports', false, 314572800,
        array['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel'])
on conflict (id) do update
set public = excluded.public,
    file_size_limit = excluded.file_size_limit,
    allowed_mime_types = excluded.allowed_mime_types;

-- Path rule, shared by the storage policies and the import_jobs checks ----------------------------

-- import_private.import_path_unit: the unit an object path belongs to, or NULL when the path
-- is not of the form <unit uuid>/<name>[/<name>...] with no empty, "." or ".." segment.
create or replace function import_private.import_path_unit(p_path text) returns uuid
    language sql immutable
    set search_path = ''
as $$
    select case
        when p_path ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/[^/]'
             and p_path !~ '(^|/)\.{1,2}(/|$)'
             and p_path !~ '//'
             and p_path !~ '/$'
             and p_path !~ '[\\[:cntrl:]]'
             and length(p_path) <= 1024
        then lower(split_part(p_path, '/', 1))::uuid
    end
$$;
comment on function import_private.import_path_unit(text) is
    'The unit id of an import file path <unit_id>/<name>, or NULL when the path is not one (no "..", no empty segment, at most 1024 characters).';

-- import_private.can_use_import_object: the caller may upload and read this object.
create or replace function import_private.can_use_import_object(p_bucket_id text, p_name text) returns boolean
    language sql stable
    set search_path = ''
as $$
    select p_bucket_id = 'imports'
       and coalesce(import_private.is_unit_leader(import_private.import_path_unit(p_name)), false)
$$;
comment on function import_private.can_use_import_object(text, text) is
    'True when the object is in bucket imports under <unit_id>/ and the caller is an active leader of that unit.';

revoke all on function import_private.import_path_unit(text) from public;
revoke all on function import_private.can_use_import_object(text, text) from public;
grant execute on function import_private.import_path_unit(text) to authenticated, service_role;
grant execute on function import_private.can_use_import_object(text, text) to authenticated, service_role;

-- Policies on storage.objects ---------------------------------------------------------------------

-- Upload: the Storage service inserts the object row as the caller's role.
drop policy if exists imports_insert_unit_leaders on storage.objects;
create policy imports_insert_unit_leaders on storage.objects
    for insert to authenticated
    with check (import_private.can_use_import_object(bucket_id, name));

-- Download, and the existence check the Storage service makes before an upload.
drop policy if exists imports_select_unit_leaders on storage.objects;
create policy imports_select_unit_leaders on storage.objects
    for select to authenticated
    using (import_private.can_use_import_object(bucket_id, name));

-- No UPDATE and no DELETE policy for bucket imports: see the header.

-- import_jobs.input_path ---------------------------------------------------------------------------

alter table public.import_jobs add column if not exists input_path text;
comment on column public.import_jobs.input_path is
    'Path of the uploaded export in Storage bucket imports, <unit_id>/<name> (the job''s own unit folder). Exactly one of staged_data, input_csv and input_path is set. The worker deletes the file once the retention period of the finished job has passed.';
comment on column public.import_jobs.input_csv is
    'The raw Scoutbook export, sent in the row (small files; prefer input_path). Exactly one of staged_data, input_csv and input_path is set. Purged after the retention period once the job is finished.';
comment on column public.import_jobs.staged_data is
    'The app''s StagedTroopAdvancement JSON (legacy preview flow). Exactly one of staged_data, input_csv and input_path is set.';
comment on column public.import_jobs.input_purged_at is
    'When the retention sweep removed the input (input_csv, staged_data, or the Storage file of input_path) of this finished job; it can no longer be retried.';

alter table public.import_jobs drop constraint if exists import_jobs_one_input_check;
alter table public.import_jobs add constraint import_jobs_one_input_check
    check (num_nonnulls(staged_data, input_csv, input_path) = 1 or input_purged_at is not null);

alter table public.import_jobs drop constraint if exists import_jobs_input_path_check;
alter table public.import_jobs add constraint import_jobs_input_path_check
    check (input_path is null or import_private.import_path_unit(input_path) = unit_id);

-- Clients may set input_path when they insert a job (the other client columns are granted in
-- 20261129000500_import_jobs_security.sql).
grant insert (input_path) on public.import_jobs to authenticated;

-- Readable refusals: the constraints above are the guarantee, this trigger says what is wrong
-- in words a leader can act on before a constraint would name itself.
create or replace function import_private.import_jobs_check_input() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if num_nonnulls(new.staged_data, new.input_csv, new.input_path) <> 1 and new.input_purged_at is null then
        raise exception 'an import job needs exactly one input: input_path (a file uploaded to Storage), input_csv or staged_data'
            using errcode = '23514';
    end if;
    if new.input_path is not null
       and import_private.import_path_unit(new.input_path) is distinct from new.unit_id then
        raise exception 'input_path "%" is not a file in the unit''s folder: upload the export to imports/%/<file name> and use that path', new.input_path, new.unit_id
            using errcode = '23514';
    end if;
    return new;
end
$$;
comment on function import_private.import_jobs_check_input() is
    'Explains a missing, doubled or out-of-folder input of an import job before the CHECK constraints refuse it.';
revoke all on function import_private.import_jobs_check_input() from public;

drop trigger if exists import_jobs_check_input on public.import_jobs;
create trigger import_jobs_check_input
    before insert or update of staged_data, input_csv, input_path, unit_id on public.import_jobs
    for each row execute function import_private.import_jobs_check_input();

-- The retention purge looks up whether another job still names a file before deleting it.
create index if not exists import_jobs_input_path_idx
    on public.import_jobs (input_path)
    where input_path is not null;
