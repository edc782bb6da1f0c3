-- The worker's own role: import_worker. Least privilege: no superuser, no BYPASSRLS, no
-- membership in another role; it may touch exactly the tables and columns the worker's queries
-- use, with the commands they need, and row-level security applies to it like to anyone
-- (one policy per table, below). It is created NOLOGIN: give it a login on the project.
--
-- On Supabase (SQL editor, as postgres):
--   alter role import_worker with login password '<a long random password>';
-- and run the worker with
--   DATABASE_URL=postgresql://import_worker.<project-ref>:<password>@aws-0-<region>.pooler.supabase.com:5432/postgres
-- (Supavisor session mode) or the direct connection
--   postgresql://import_worker:<password>@db.<project-ref>.supabase.co:5432/postgres
-- Alternatively grant it to an existing login role (grant import_worker to <login>) and have
-- that login run `set role import_worker`; keep that login otherwise unprivileged.
--
-- Numbered last so that it sees every table of the project. A new table the worker touches is
-- one line in the list below (table, privileges); the policy comes with it.

do $role$
begin
    if not exists (select from pg_roles where rolname = 'import_worker') then
        create role import_worker nologin nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls;
    end if;
end
$role$;
-- Superuser, replication and BYPASSRLS can only be granted by a superuser (never by these
-- migrations, which run as postgres); the rest is reset here in case the role existed.
alter role import_worker nocreatedb nocreaterole noinherit;
comment on role import_worker is
    'The import worker (Go). No superuser, no BYPASSRLS: grants and RLS policies for exactly the tables it reads and writes. Give it a login: alter role import_worker with login password ''...''.';

-- The owner may switch to it (set role import_worker) to check what it can see.
grant import_worker to postgres;

-- Its sessions resolve names as the project's roles do on Supabase.
alter role import_worker set search_path = public, extensions;

-- Schemas it resolves names in.
grant usage on schema public, import_private to import_worker;
-- It checks the schema version at start-up: golang-migrate's history (`worker migrate`). With
-- `supabase db push` the history is Supabase's own and this schema does not exist.
do $history$
begin
    if to_regclass('import_migrations.schema_migrations') is not null then
        grant usage on schema import_migrations to import_worker;
        grant select on import_migrations.schema_migrations to import_worker;
    end if;
end
$history$;

-- Tables: one line each. Privileges are table-level commands (select, insert, update, delete);
-- each table also gets the policy import_worker_all (every row: the worker serves every unit),
-- which is what admits the worker through row-level security. A table that does not exist
-- (yet) is skipped, so the list may name tables another migration adds.
do $grants$
declare
    t record;
begin
    for t in
        select * from (values
            -- The queue.
            ('public.import_jobs',                              'select, update'),
            ('public.import_job_checkpoints',                   'select, insert, update'),
            ('public.import_job_issues',                        'select, insert'),
            ('import_private.unit_claims',                      'select, insert, update'),
            -- Reference data, shared by every unit: read only (an upload never writes it;
            -- ids it lacks go to the unit's own definitions below).
            ('public.bsa_ranks',                                'select'),
            ('public.bsa_merit_badges',                         'select'),
            ('public.bsa_leadership_positions',                 'select'),
            ('public.bsa_rank_requirements',                    'select'),
            ('public.bsa_merit_badge_requirements',             'select'),
            -- Requirement ids the reference data lacks, kept per unit (20261201000100).
            ('public.unit_requirement_definitions',             'select, insert'),
            ('public.unit_requirement_progress',                'select, insert, update'),
            -- Whether a job's creator is still an active leader of its unit when the job
            -- starts (the authority check at claim).
            ('public.unit_memberships',                         'select'),
            -- A unit's data.
            ('public.scouts',                                   'select, insert'),
            ('public.scout_rank_progress',                      'select, insert, update'),
            ('public.scout_merit_badge_progress',               'select, insert, update'),
            ('public.scout_rank_requirement_progress',          'select, insert, update'),
            ('public.scout_merit_badge_requirement_progress',   'select, insert, update'),
            ('public.scout_leadership_history',                 'select, insert, update'),
            ('public.scout_activity_entries',                   'select, insert, update')
        ) as v(tbl, privileges)
    loop
        continue when to_regclass(t.tbl) is null;
        execute format('grant %s on %s to import_worker', t.privileges, t.tbl);
        execute format('drop policy if exists import_worker_all on %s', t.tbl);
        execute format('create policy import_worker_all on %s as permissive for all to import_worker using (true) with check (true)',
                       t.tbl);
    end loop;
end
$grants$;

-- Identity and serial columns of the tables it inserts into.
do $sequences$
declare
    s record;
begin
    for s in
        select distinct pg_get_serial_sequence(format('%I.%I', c.table_schema, c.table_name), c.column_name) as seq
        from information_schema.column_privileges c
        where c.grantee = 'import_worker' and c.privilege_type = 'INSERT'
          and pg_get_serial_sequence(format('%I.%I', c.table_schema, c.table_name), c.column_name) is not null
    loop
        execute format('grant usage on sequence %s to import_worker', s.seq);
    end loop;
end
$sequences$;

-- Uploads (bucket imports): the retention purge lists the files no job names, then deletes
-- them through the Storage API with the service role key. The worker's role only reads the
-- bucket's object rows. Where the storage schema is absent (plain PostgreSQL without the
-- stand-in) nothing is granted; where the owner may not grant on it, the purge of orphaned
-- uploads reports an error each run and everything else works.
do $storage$
begin
    if to_regclass('storage.objects') is null then
        return;
    end if;
    grant usage on schema storage to import_worker;
    grant select on storage.objects to import_worker;
    drop policy if exists import_worker_read_imports on storage.objects;
    create policy import_worker_read_imports on storage.objects
        as permissive for select to import_worker
        using (bucket_id = 'imports');
exception
    when insufficient_privilege then
        raise warning 'import_worker may not read storage.objects (%): the purge of uploads no job names will fail until it may', sqlerrm;
end
$storage$;

-- Functions the database calls as the worker on its writes: the input_path CHECK of
-- import_jobs (20261201000200) runs on every update of a job row, so the worker may execute
-- it. Skipped where the function does not exist.
do $functions$
declare
    f text;
begin
    foreach f in array array['import_private.import_path_unit(text)'] loop
        continue when to_regprocedure(f) is null;
        execute format('grant execute on function %s to import_worker', f);
    end loop;
end
$functions$;
