-- Row-level security and grants of the unit's own requirement definitions and of the scouts'
-- progress on them (migration 20261201000100):
--
--   unit_requirement_definitions  active members (any role) of the unit read; nobody else
--   unit_requirement_progress     active members of the scout's unit read; nobody else
--   both                          no client role (authenticated, anon) inserts, updates or
--                                 deletes: only the worker writes; the shared bsa_* tables
--                                 stay read-only for clients
--
-- Identities (same fixed ids as the other files): users 10000000-…-0000000000NN, profiles
-- 20000000-…-NN: 01 leader A, 04 parent A, 05 scout A, 06 inactive leader A, 07 leader B,
-- 08 no membership. Unit A has definition a-def (Camping 2019 "3a[1]") with scout A's progress;
-- unit B has b-def (Camping 2019 "9z") with scout B's progress.

begin;
select plan(57);

-- Fixtures (as postgres) ---------------------------------------------------------------------

insert into auth.users (id, email, role, aud)
select ('10000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       'user' || n || '@example.org', 'authenticated', 'authenticated'
from generate_series(1, 8) n;

insert into public.profiles (id, user_id, email, full_name)
select ('20000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       ('10000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       'user' || n || '@example.org', 'User ' || n
from generate_series(1, 8) n;

insert into public.units (id, name, unit_number) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Troop A', '101'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Troop B', '202');

insert into public.unit_memberships (unit_id, profile_id, role, status) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'leader', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000004', 'parent', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000005', 'scout', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000006', 'leader', 'inactive'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000007', 'leader', 'active');

insert into public.scouts (id, unit_id, first_name, last_name, bsa_member_id) values
    ('5c000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Avery', 'Testwood', '900000101'),
    ('5c000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Blair', 'Samplesen', '900000201');

insert into public.unit_requirement_definitions (id, unit_id, merit_badge_id, version_year, requirement_number) values
    ('de000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
     (select id from public.bsa_merit_badges where code = 'camping'), 2019, '3a[1]'),
    ('de000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
     (select id from public.bsa_merit_badges where code = 'camping'), 2019, '9z');

insert into public.unit_requirement_progress (scout_id, definition_id, status) values
    ('5c000000-0000-4000-8000-0000000000a1', 'de000000-0000-4000-8000-0000000000a1', 'completed'),
    ('5c000000-0000-4000-8000-0000000000b1', 'de000000-0000-4000-8000-0000000000b1', 'completed');

-- Structure ----------------------------------------------------------------------------------

select ok((select relrowsecurity from pg_class where oid = 'public.unit_requirement_definitions'::regclass),
    'unit_requirement_definitions has RLS on');
select ok((select relrowsecurity from pg_class where oid = 'public.unit_requirement_progress'::regclass),
    'unit_requirement_progress has RLS on');
select is((select count(*)::int from pg_attribute a
           where a.attrelid in ('public.unit_requirement_definitions'::regclass, 'public.unit_requirement_progress'::regclass)
             and a.attnum > 0 and not a.attisdropped and col_description(a.attrelid, a.attnum) is null),
    0, 'every column of both tables has a comment (Studio)');
select table_privs_are('public', 'unit_requirement_definitions', 'authenticated', array['SELECT'],
    'authenticated may only select unit_requirement_definitions');
select table_privs_are('public', 'unit_requirement_progress', 'authenticated', array['SELECT'],
    'authenticated may only select unit_requirement_progress');
select table_privs_are('public', 'unit_requirement_definitions', 'anon', array[]::text[],
    'anon has no privilege on unit_requirement_definitions');
select table_privs_are('public', 'unit_requirement_progress', 'anon', array[]::text[],
    'anon has no privilege on unit_requirement_progress');

-- The shape check holds for the worker too (it bypasses RLS, not constraints).
select throws_ok($$ insert into public.unit_requirement_definitions (unit_id, merit_badge_id, version_year, requirement_number)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', (select id from public.bsa_merit_badges where code = 'camping'), 2019,
                            '<script>alert(1)</script>') $$,
    '23514', null, 'a requirement id with markup is refused by the database');
select throws_ok($$ insert into public.unit_requirement_definitions (unit_id, merit_badge_id, version_year, requirement_number)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', (select id from public.bsa_merit_badges where code = 'camping'), 2019,
                            'Visit http://evil.example to finish this badge') $$,
    '23514', null, 'a requirement id with a link is refused by the database');
select throws_ok($$ insert into public.unit_requirement_definitions (unit_id, merit_badge_id, version_year, requirement_number)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', (select id from public.bsa_merit_badges where code = 'camping'), 2019,
                            '1' || repeat('a', 40)) $$,
    '23514', null, 'a requirement id over 40 characters is refused by the database');
select throws_ok($$ insert into public.unit_requirement_definitions (unit_id, rank_id, merit_badge_id, version_year, requirement_number)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', (select id from public.bsa_ranks where code = 'scout'),
                            (select id from public.bsa_merit_badges where code = 'camping'), 2019, '1a') $$,
    '23514', null, 'a definition belongs to a rank or a badge, not both');

-- Readers ------------------------------------------------------------------------------------

create function pg_temp.as_user(n int) returns void language sql as $$
    select set_config('request.jwt.claims',
        '{"sub":"10000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0') || '","role":"authenticated","aud":"authenticated"}', true);
$$;
grant execute on function pg_temp.as_user(int) to authenticated;

-- Who sees which definitions and progress rows.
create temporary table expectations (who int, label text, defs text[], progress text[]);
insert into expectations values
    (1, 'leader of A', array['3a[1]'], array['3a[1]']),
    (4, 'parent of A', array['3a[1]'], array['3a[1]']),
    (5, 'scout of A', array['3a[1]'], array['3a[1]']),
    (6, 'inactive leader of A', array[]::text[], array[]::text[]),
    (7, 'leader of B', array['9z'], array['9z']),
    (8, 'user without a membership', array[]::text[], array[]::text[]);
grant select on expectations to authenticated;

create function pg_temp.check_reader(n int) returns setof text language plpgsql as $$
declare
    e expectations;
begin
    select * into e from expectations where who = n;
    perform pg_temp.as_user(n);
    return next is((select coalesce(array_agg(requirement_number order by requirement_number), array[]::text[])
                    from public.unit_requirement_definitions), e.defs,
                   e.label || ': sees only their own unit''s definitions');
    return next is((select coalesce(array_agg(d.requirement_number order by d.requirement_number), array[]::text[])
                    from public.unit_requirement_progress p
                    join public.unit_requirement_definitions d on d.id = p.definition_id), e.progress,
                   e.label || ': sees only the progress of their own unit''s scouts');
    return next throws_ok($q$ insert into public.unit_requirement_definitions (unit_id, merit_badge_id, version_year, requirement_number)
                              values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', (select id from public.bsa_merit_badges where code = 'camping'), 2019, '5b') $q$,
                   '42501', 'permission denied for table unit_requirement_definitions',
                   e.label || ': cannot insert a definition');
    return next throws_ok($q$ update public.unit_requirement_definitions set requirement_number = '1' $q$,
                   '42501', 'permission denied for table unit_requirement_definitions',
                   e.label || ': cannot update definitions');
    return next throws_ok($q$ delete from public.unit_requirement_progress $q$,
                   '42501', 'permission denied for table unit_requirement_progress',
                   e.label || ': cannot delete progress');
    return next throws_ok($q$ insert into public.unit_requirement_progress (scout_id, definition_id, status)
                              values ('5c000000-0000-4000-8000-0000000000a1', 'de000000-0000-4000-8000-0000000000b1', 'approved') $q$,
                   '42501', 'permission denied for table unit_requirement_progress',
                   e.label || ': cannot insert progress');
    return next throws_ok($q$ insert into public.bsa_merit_badge_requirements (version_year, merit_badge_id, requirement_number, description)
                              values (2019, (select id from public.bsa_merit_badges where code = 'camping'), '99', 'forged') $q$,
                   '42501', 'permission denied for table bsa_merit_badge_requirements',
                   e.label || ': cannot add a shared merit badge requirement');
end
$$;
grant execute on function pg_temp.check_reader(int) to authenticated;

set local role authenticated;
select pg_temp.check_reader(1);
select pg_temp.check_reader(4);
select pg_temp.check_reader(5);
select pg_temp.check_reader(6);
select pg_temp.check_reader(7);
select pg_temp.check_reader(8);
reset role;
select set_config('request.jwt.claims', '', true);

-- Anonymous callers ---------------------------------------------------------------------------

set local role anon;
select throws_ok($$ select id from public.unit_requirement_definitions $$,
    '42501', 'permission denied for table unit_requirement_definitions',
    'anon: cannot select unit_requirement_definitions');
select throws_ok($$ select id from public.unit_requirement_progress $$,
    '42501', 'permission denied for table unit_requirement_progress',
    'anon: cannot select unit_requirement_progress');
reset role;

-- Back as postgres: the denied writes left nothing behind --------------------------------------

select results_eq($$ select requirement_number from public.unit_requirement_definitions order by 1 $$,
    $$ values ('3a[1]'), ('9z') $$,
    'the definitions are unchanged and no forged one exists');
select results_eq($$ select status::text from public.unit_requirement_progress order by 1 $$,
    $$ values ('completed'), ('completed') $$,
    'the progress rows are unchanged and no forged one exists');

select * from finish();
rollback;
