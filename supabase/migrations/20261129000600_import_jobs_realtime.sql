-- Realtime: the browser follows a job with Postgres Changes (UPDATE on import_jobs, filter
-- id=eq.<id>). That needs the table in the supabase_realtime publication, a primary key
-- (present), SELECT for authenticated plus the RLS policy (20261129000500), and the DEFAULT
-- replica identity: never FULL, which would ship the large input columns with every progress
-- update (docs/architecture.md, "Realtime").
--
-- Guarded so the migration also runs where the publication does not exist (plain PostgreSQL).

do $realtime$
begin
    if not exists (select from pg_publication where pubname = 'supabase_realtime') then
        raise notice 'publication supabase_realtime does not exist; import_jobs is not published for Realtime';
        return;
    end if;
    if not exists (
        select from pg_publication_tables
        where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'import_jobs'
    ) then
        alter publication supabase_realtime add table only public.import_jobs;
    end if;
end
$realtime$;

alter table public.import_jobs replica identity default;
