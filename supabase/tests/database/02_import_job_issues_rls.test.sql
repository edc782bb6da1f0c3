-- Row-level security of the job's side tables and of the Studio overview.
--
--   import_job_issues       leaders (active admin, treasurer, leader) of the unit read; no client
--                           role writes (the worker, BYPASSRLS, is the only writer)
--   import_job_checkpoints  no client access at all
--   import_job_overview     security invoker: leaders see their own unit's jobs only; anon denied
--
-- Same identities and fixed ids as 01_import_jobs_rls.test.sql:
--   units A aaaaaaaa-…, B bbbbbbbb-…; users 10000000-…-0000000000NN, profiles 20000000-…-NN:
--   01 leader A, 02 treasurer A, 03 admin A, 04 parent A, 05 scout A, 06 inactive leader A,
--   07 leader B, 08 no membership. Jobs: a1 (unit A, one warning + one error, a checkpoint),
--   b1 (unit B, one warning).

begin;
select plan(84);

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
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000002', 'treasurer', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000003', 'admin', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000004', 'parent', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000005', 'scout', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000006', 'leader', 'inactive'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000007', 'leader', 'active');

insert into public.import_jobs (id, unit_id, created_by, type, input_csv) values
    ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv a1'),
    ('c0000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000007', 'troop_advancement', 'csv b1');

insert into public.import_job_issues (job_id, unit_id, severity, code, line, message, fingerprint) values
    ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'warning', 'version_fallback', 12, 'Used the 2022 requirements.', 'a1-w'),
    ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'invalid_row', 13, 'The date is not valid.', 'a1-e'),
    ('c0000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'warning', 'version_fallback', 7, 'Used the 2022 requirements.', 'b1-w');

insert into public.import_job_checkpoints (job_id, cursor, attempt) values
    ('c0000000-0000-4000-8000-0000000000a1', '{"phase": "ranks", "after": 120}', 1);

-- ============================================================================================
-- Leader of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select fingerprint from public.import_job_issues order by fingerprint $$,
    $$ values ('a1-e'), ('a1-w') $$,
    'leader of A: sees the unit A issues and no others');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'leader of A: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'leader of A: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'leader of A: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of A: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of A: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of A: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of A: cannot delete a checkpoint');
select results_eq($$ select id, unit_name, warning_count, error_count from public.import_job_overview $$,
    $$ values ('c0000000-0000-4000-8000-0000000000a1'::uuid, 'Troop A'::text, 1::bigint, 1::bigint) $$,
    'leader of A: import_job_overview shows the unit A job only, with its issue counts');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Treasurer of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000002","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select fingerprint from public.import_job_issues order by fingerprint $$,
    $$ values ('a1-e'), ('a1-w') $$,
    'treasurer of A: sees the unit A issues and no others');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'treasurer of A: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'treasurer of A: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'treasurer of A: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'treasurer of A: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'treasurer of A: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'treasurer of A: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'treasurer of A: cannot delete a checkpoint');
select results_eq($$ select id, unit_name, warning_count, error_count from public.import_job_overview $$,
    $$ values ('c0000000-0000-4000-8000-0000000000a1'::uuid, 'Troop A'::text, 1::bigint, 1::bigint) $$,
    'treasurer of A: import_job_overview shows the unit A job only, with its issue counts');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Admin of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000003","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select fingerprint from public.import_job_issues order by fingerprint $$,
    $$ values ('a1-e'), ('a1-w') $$,
    'admin of A: sees the unit A issues and no others');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'admin of A: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'admin of A: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'admin of A: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'admin of A: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'admin of A: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'admin of A: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'admin of A: cannot delete a checkpoint');
select results_eq($$ select id, unit_name, warning_count, error_count from public.import_job_overview $$,
    $$ values ('c0000000-0000-4000-8000-0000000000a1'::uuid, 'Troop A'::text, 1::bigint, 1::bigint) $$,
    'admin of A: import_job_overview shows the unit A job only, with its issue counts');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Parent of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000004","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'parent of A: cannot see unit A issues');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'parent of A: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'parent of A: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'parent of A: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'parent of A: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'parent of A: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'parent of A: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'parent of A: cannot delete a checkpoint');
select is_empty($$ select id from public.import_job_overview $$,
    'parent of A: import_job_overview shows nothing');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Scout of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000005","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'scout of A: cannot see unit A issues');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'scout of A: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'scout of A: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'scout of A: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'scout of A: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'scout of A: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'scout of A: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'scout of A: cannot delete a checkpoint');
select is_empty($$ select id from public.import_job_overview $$,
    'scout of A: import_job_overview shows nothing');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Inactive leader of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000006","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'inactive leader of A: cannot see unit A issues');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'inactive leader of A: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'inactive leader of A: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'inactive leader of A: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'inactive leader of A: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'inactive leader of A: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'inactive leader of A: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'inactive leader of A: cannot delete a checkpoint');
select is_empty($$ select id from public.import_job_overview $$,
    'inactive leader of A: import_job_overview shows nothing');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Leader of B
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000007","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select fingerprint from public.import_job_issues $$,
    $$ values ('b1-w') $$,
    'leader of B: sees the unit B issue and nothing else (control)');
select is_empty($$ select id from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'leader of B: cannot see unit A issues');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'leader of B: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'leader of B: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'leader of B: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of B: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of B: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of B: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'leader of B: cannot delete a checkpoint');
select results_eq($$ select id from public.import_job_overview $$,
    $$ values ('c0000000-0000-4000-8000-0000000000b1'::uuid) $$,
    'leader of B: import_job_overview shows the unit B job only');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Signed-in user with no membership
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000008","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'signed-in user with no membership: cannot see unit A issues');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'signed-in user with no membership: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'signed-in user with no membership: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'signed-in user with no membership: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'signed-in user with no membership: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'signed-in user with no membership: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'signed-in user with no membership: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'signed-in user with no membership: cannot delete a checkpoint');
select is_empty($$ select id from public.import_job_overview $$,
    'signed-in user with no membership: import_job_overview shows nothing');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Anon (no login: the anon key)
-- ============================================================================================
set local role anon;
select set_config('request.jwt.claims', '{"role":"anon"}', true);

select throws_ok($$ select id from public.import_job_issues $$,
    '42501', 'permission denied for table import_job_issues',
    'anon: cannot select issues');
select throws_ok($$ insert into public.import_job_issues (job_id, unit_id, severity, code, message, fingerprint)
                    values ('c0000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'error', 'forged', 'forged', 'forged') $$,
    '42501', 'permission denied for table import_job_issues',
    'anon: cannot insert an issue');
select throws_ok($$ update public.import_job_issues set message = 'changed' where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'anon: cannot update issues');
select throws_ok($$ delete from public.import_job_issues where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    '42501', 'permission denied for table import_job_issues',
    'anon: cannot delete issues');
select throws_ok($$ select cursor from public.import_job_checkpoints $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'anon: cannot select checkpoints');
select throws_ok($$ insert into public.import_job_checkpoints (job_id, cursor, attempt) values ('c0000000-0000-4000-8000-0000000000b1', '{}', 1) $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'anon: cannot insert a checkpoint');
select throws_ok($$ update public.import_job_checkpoints set cursor = '{}' where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'anon: cannot update a checkpoint');
select throws_ok($$ delete from public.import_job_checkpoints where job_id = 'c0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'permission denied for table import_job_checkpoints',
    'anon: cannot delete a checkpoint');
select throws_ok($$ select id from public.import_job_overview $$,
    '42501', 'permission denied for view import_job_overview',
    'anon: cannot select import_job_overview');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Back as postgres: the denied writes left nothing behind
-- ============================================================================================

select results_eq($$ select fingerprint, message from public.import_job_issues order by fingerprint $$,
    $$ values ('a1-e', 'The date is not valid.'), ('a1-w', 'Used the 2022 requirements.'), ('b1-w', 'Used the 2022 requirements.') $$,
    'the issues are unchanged and no forged issue exists');
select results_eq($$ select job_id, cursor from public.import_job_checkpoints $$,
    $$ values ('c0000000-0000-4000-8000-0000000000a1'::uuid, '{"phase": "ranks", "after": 120}'::jsonb) $$,
    'the checkpoint is unchanged and no forged checkpoint exists');

select * from finish();
rollback;
