-- The worker's role, import_worker (migration 20261201000900): what it is, what it may touch
-- and what it may not. The worker connects as this role (tests and `worker demo` too), so a
-- query outside these grants fails in every Go test that runs a worker; this file pins the
-- exact privileges and tries what the worker must never do.
--
-- Fixtures as postgres; each probe runs as import_worker (postgres is a member of it).
-- Everything rolls back.

begin;
select plan(33);

-- Runs q as import_worker and returns its SQLSTATE, or 'ok'. The role switch is undone on
-- return (pgTAP itself lives in schema extensions, which the worker cannot use).
create function pg_temp.as_worker(q text) returns text
    language plpgsql
as $$
begin
    set local role import_worker;
    execute q;
    reset role;
    return 'ok';
exception when others then
    return sqlstate; -- the subtransaction's rollback also undoes the role switch
end
$$;

-- Runs the count query q as import_worker.
create function pg_temp.count_as_worker(q text) returns bigint
    language plpgsql
as $$
declare
    n bigint;
begin
    set local role import_worker;
    execute q into n;
    reset role;
    return n;
end
$$;

-- Fixtures -------------------------------------------------------------------------------------

insert into auth.users (id, email) values ('10000000-0000-4000-8000-000000000001', 'leader@example.org');
insert into public.profiles (id, user_id, email) values
    ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'leader@example.org');
insert into public.units (id, name) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Troop A'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Troop B');
insert into public.unit_memberships (unit_id, profile_id, role, status) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'leader', 'active');
insert into public.scouts (id, unit_id, first_name, last_name, bsa_member_id) values
    ('50000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Ann', 'A', '111'),
    ('50000000-0000-4000-8000-000000000002', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Bob', 'B', '222');
insert into public.import_jobs (id, unit_id, created_by, type, input_csv) values
    ('f0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv a'),
    ('f0000000-0000-4000-8000-000000000002', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv b');

-- ============================================================================================
-- The role
-- ============================================================================================

select has_role('import_worker', 'role import_worker exists');
select results_eq($$ select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication, rolinherit
                     from pg_roles where rolname = 'import_worker' $$,
    $$ values (false, false, false, false, false, false) $$,
    'import_worker: no superuser, no BYPASSRLS, cannot create roles or databases, no replication');
select is((select count(*) from pg_auth_members m join pg_roles r on r.oid = m.member where r.rolname = 'import_worker'),
    0::bigint, 'import_worker is a member of no role (it has only its own grants)');
select is((select count(*) from pg_auth_members m
           join pg_roles g on g.oid = m.roleid join pg_roles r on r.oid = m.member
           where g.rolname = 'import_worker' and r.rolname in ('anon', 'authenticated', 'service_role', 'authenticator')),
    0::bigint, 'no client role can become import_worker');

-- Exactly these privileges on tables (schemas public and import_private). A table the worker
-- starts to use is one line in the migration and one here.
select set_eq($$
    select c.oid::regclass::text, p.priv
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(priv)
    where n.nspname in ('public', 'import_private', 'auth', 'import_migrations')
      and c.relkind in ('r', 'v', 'm', 'p')
      and has_table_privilege('import_worker', c.oid, p.priv) $$,
    $$ values
        ('import_jobs', 'SELECT'), ('import_jobs', 'UPDATE'),
        ('import_job_checkpoints', 'SELECT'), ('import_job_checkpoints', 'INSERT'), ('import_job_checkpoints', 'UPDATE'),
        ('import_job_issues', 'SELECT'), ('import_job_issues', 'INSERT'),
        ('import_private.unit_claims', 'SELECT'), ('import_private.unit_claims', 'INSERT'), ('import_private.unit_claims', 'UPDATE'),
        ('import_migrations.schema_migrations', 'SELECT'),
        ('unit_memberships', 'SELECT'),
        ('bsa_ranks', 'SELECT'),
        ('bsa_merit_badges', 'SELECT'),
        ('bsa_leadership_positions', 'SELECT'),
        ('bsa_rank_requirements', 'SELECT'),
        ('bsa_merit_badge_requirements', 'SELECT'),
        ('unit_requirement_definitions', 'SELECT'), ('unit_requirement_definitions', 'INSERT'),
        ('unit_requirement_progress', 'SELECT'), ('unit_requirement_progress', 'INSERT'), ('unit_requirement_progress', 'UPDATE'),
        ('scouts', 'SELECT'), ('scouts', 'INSERT'),
        ('scout_rank_progress', 'SELECT'), ('scout_rank_progress', 'INSERT'), ('scout_rank_progress', 'UPDATE'),
        ('scout_merit_badge_progress', 'SELECT'), ('scout_merit_badge_progress', 'INSERT'), ('scout_merit_badge_progress', 'UPDATE'),
        ('scout_rank_requirement_progress', 'SELECT'), ('scout_rank_requirement_progress', 'INSERT'), ('scout_rank_requirement_progress', 'UPDATE'),
        ('scout_merit_badge_requirement_progress', 'SELECT'), ('scout_merit_badge_requirement_progress', 'INSERT'), ('scout_merit_badge_requirement_progress', 'UPDATE'),
        ('scout_leadership_history', 'SELECT'), ('scout_leadership_history', 'INSERT'), ('scout_leadership_history', 'UPDATE'),
        ('scout_activity_entries', 'SELECT'), ('scout_activity_entries', 'INSERT'), ('scout_activity_entries', 'UPDATE')
    $$,
    'import_worker has exactly the table privileges its queries need: no DELETE, TRUNCATE or TRIGGER anywhere');
select is((select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname in ('public', 'import_private') and c.relkind = 'r' and c.relrowsecurity
             and has_table_privilege('import_worker', c.oid, 'SELECT')
             and not exists (select 1 from pg_policy p where p.polrelid = c.oid
                             and 'import_worker'::regrole::oid = any(p.polroles))),
    0::bigint, 'every table import_worker may use has a policy for it (RLS applies to the worker)');
select is(has_schema_privilege('import_worker', 'public', 'CREATE') or has_schema_privilege('import_worker', 'import_private', 'CREATE'),
    false, 'import_worker cannot create objects');
select is(has_table_privilege('import_worker', 'auth.users', 'SELECT'), false, 'import_worker cannot read auth.users');

-- ============================================================================================
-- As import_worker
-- ============================================================================================

select is(pg_temp.count_as_worker('select count(*) from public.import_jobs'), 2::bigint, 'the worker sees every unit''s jobs (it serves them all)');
select is(pg_temp.as_worker($$ update public.import_jobs set processed_items = 1, current_phase = 'work'
                               where id = 'f0000000-0000-4000-8000-000000000001' $$),
    'ok', 'the worker writes progress');
select is(pg_temp.as_worker($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                               values ('f0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
                                       'warning', 'test', 'm', 'f1') $$),
    'ok', 'the worker records issues (identity column included)');
select is(pg_temp.as_worker($$ insert into public.import_job_checkpoints (job_id, cursor, attempt)
                               values ('f0000000-0000-4000-8000-000000000001', '{}', 1)
                               on conflict (job_id) do update set cursor = excluded.cursor $$),
    'ok', 'the worker saves checkpoints');
select is(pg_temp.as_worker($$ insert into import_private.unit_claims (unit_id, last_claimed_at)
                               values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', now())
                               on conflict (unit_id) do update set last_claimed_at = excluded.last_claimed_at $$),
    'ok', 'the worker records whose turn it was');
select is(pg_temp.as_worker($$ insert into public.scouts (unit_id, first_name, last_name, bsa_member_id)
                               values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'New', 'Scout', '333') $$),
    'ok', 'the worker creates scouts');
select is(pg_temp.count_as_worker('select count(*) from public.scouts'), 3::bigint, 'the worker reads every unit''s scouts');

-- What it may never do.
select is(pg_temp.as_worker($$ select count(*) from auth.users $$), '42501', 'cannot read auth.users');
select is(pg_temp.as_worker($$ select 1 from import_private.import_limits $$), '42501', 'cannot read the quota settings');
select is(pg_temp.as_worker($$ update import_private.import_job_types set max_input_bytes = 1 $$), '42501', 'cannot change the input limits');
select is(pg_temp.as_worker($$ insert into public.import_jobs (unit_id, created_by, type, input_csv)
                               values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'x') $$),
    '42501', 'cannot submit jobs');
select is(pg_temp.as_worker($$ delete from public.import_jobs $$), '42501', 'cannot delete jobs');
select is(pg_temp.as_worker($$ truncate public.import_job_issues $$), '42501', 'cannot truncate issues');
select is(pg_temp.as_worker($$ delete from public.scouts $$), '42501', 'cannot delete scouts');
select is(pg_temp.as_worker($$ update public.scouts set first_name = 'X' $$), '42501', 'cannot rename scouts');
select is(pg_temp.as_worker($$ delete from public.scout_rank_progress $$), '42501', 'cannot delete progress');
select is(pg_temp.as_worker($$ update public.bsa_ranks set name = 'X' $$), '42501', 'cannot change ranks');
select is(pg_temp.as_worker($$ update public.bsa_rank_requirements set description = 'X' $$), '42501',
    'cannot rewrite rank requirement definitions');
select is(pg_temp.as_worker($$ delete from public.bsa_merit_badge_requirements $$), '42501',
    'cannot delete merit badge requirement definitions');
select is(pg_temp.as_worker($$ insert into public.units (name) values ('Evil troop') $$), '42501', 'cannot create units');
select is(pg_temp.as_worker($$ update public.unit_memberships set role = 'admin' $$), '42501', 'cannot change memberships');
select is(pg_temp.as_worker($$ update public.profiles set email = 'x@example.org' $$), '42501', 'cannot change profiles');
select is(pg_temp.as_worker($$ create table public.worker_scratch (id int) $$), '42501', 'cannot create tables');
select is(pg_has_role('import_worker', 'postgres', 'USAGE') or pg_has_role('import_worker', 'service_role', 'USAGE'),
    false, 'cannot act as postgres or service_role');
select is(pg_temp.as_worker($$ select public.cancel_import_job('f0000000-0000-4000-8000-000000000002') $$), '42501',
    'cannot call the leaders'' RPCs');

select * from finish();
rollback;
