-- Row-level security and column grants of public.import_jobs, as the Data API sees them.
--
-- The matrix: {leader, treasurer, admin, parent, scout, inactive leader of unit A; leader of
-- unit B; a signed-in user with no membership; anon} x {see the unit A job, insert a job,
-- insert with forged created_by / status / progress, update worker columns, cancel (UPDATE and
-- rpc), retry (rpc), delete}. Leaders (active admin, treasurer or leader) of A may read,
-- insert, cancel and retry; they never write worker columns nor delete. Everyone else sees and
-- changes nothing; anon is denied everything.
--
-- Each identity is switched exactly as PostgREST does it: set local role + request.jwt.claims
-- for the transaction only. Fixtures are created as postgres at the top; everything is rolled
-- back at the end.
--
-- Fixed ids:
--   units      A aaaaaaaa-…, B bbbbbbbb-…
--   auth users 10000000-0000-4000-8000-0000000000NN, profiles 20000000-…-0000000000NN:
--              01 leader A, 02 treasurer A, 03 admin A, 04 parent A, 05 scout A,
--              06 inactive leader A, 07 leader B, 08 no membership, 09 no profile
--   jobs       c0000000-0000-4000-8000-0000000000NN:
--              01 pending (A): the job everyone tries to see, change and delete
--              02 failed (A): the job non-leaders try to retry
--              11-13 pending (A): cancelled by UPDATE by leader / treasurer / admin
--              21-23 pending (A): cancelled by rpc by leader / treasurer / admin
--              31-33 failed (A): retried by leader / treasurer / admin
--              b1 pending (B)

begin;
select plan(136);

-- Fixtures (as postgres) ---------------------------------------------------------------------

insert into auth.users (id, email, role, aud)
select ('10000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       'user' || n || '@example.org', 'authenticated', 'authenticated'
from generate_series(1, 9) n;

-- Every user but 09 has a profile.
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

insert into public.import_jobs (id, unit_id, created_by, type, input_csv)
select ('c0000000-0000-4000-8000-0000000000' || s)::uuid, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
       '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv ' || s
from unnest(array['01', '11', '12', '13', '21', '22', '23']) s;

insert into public.import_jobs (id, unit_id, created_by, type, input_csv, status, completed_at, error_message, attempt)
select ('c0000000-0000-4000-8000-0000000000' || s)::uuid, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
       '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv ' || s, 'failed', now(), 'boom', 5
from unnest(array['02', '31', '32', '33']) s;

insert into public.import_jobs (id, unit_id, created_by, type, input_csv) values
    ('c0000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000007', 'troop_advancement', 'csv b1');

-- ============================================================================================
-- Leader of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select id from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    $$ values ('c0000000-0000-4000-8000-000000000001'::uuid) $$,
    'leader of A: can see the unit A job');
select results_eq($$ insert into public.import_jobs (unit_id, type, input_csv)
                     values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv by leader of A')
                     returning created_by, status, attempt $$,
    $$ values ('20000000-0000-4000-8000-000000000001'::uuid, 'pending'::text, 0) $$,
    'leader of A: can insert a job; created_by is their own profile, status pending');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot update worker column result');
select throws_ok($$ update public.import_jobs set unit_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot move a job to another unit');
select results_eq($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000011'
                     returning status, cancel_requested_at is not null $$,
    $$ values ('cancelled'::text, true) $$,
    'leader of A: cancel request (UPDATE cancel_requested_at) cancels a pending job at once');
select results_eq($$ select status, cancel_requested_at is not null from public.cancel_import_job('c0000000-0000-4000-8000-000000000021') $$,
    $$ values ('cancelled'::text, true) $$,
    'leader of A: cancel_import_job() cancels a pending job at once');
select results_eq($$ select status, attempt, retry_requested_at is not null from public.retry_import_job('c0000000-0000-4000-8000-000000000031') $$,
    $$ values ('pending'::text, 0, true) $$,
    'leader of A: retry_import_job() puts a failed job back to pending with attempt 0');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot delete a job');
select throws_ok($$ truncate public.import_jobs $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot truncate import_jobs');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Treasurer of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000002","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select id from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    $$ values ('c0000000-0000-4000-8000-000000000001'::uuid) $$,
    'treasurer of A: can see the unit A job');
select results_eq($$ insert into public.import_jobs (unit_id, type, input_csv)
                     values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv by treasurer of A')
                     returning created_by, status, attempt $$,
    $$ values ('20000000-0000-4000-8000-000000000002'::uuid, 'pending'::text, 0) $$,
    'treasurer of A: can insert a job; created_by is their own profile, status pending');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000001') $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot update worker column result');
select throws_ok($$ update public.import_jobs set unit_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot move a job to another unit');
select results_eq($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000012'
                     returning status, cancel_requested_at is not null $$,
    $$ values ('cancelled'::text, true) $$,
    'treasurer of A: cancel request (UPDATE cancel_requested_at) cancels a pending job at once');
select results_eq($$ select status, cancel_requested_at is not null from public.cancel_import_job('c0000000-0000-4000-8000-000000000022') $$,
    $$ values ('cancelled'::text, true) $$,
    'treasurer of A: cancel_import_job() cancels a pending job at once');
select results_eq($$ select status, attempt, retry_requested_at is not null from public.retry_import_job('c0000000-0000-4000-8000-000000000032') $$,
    $$ values ('pending'::text, 0, true) $$,
    'treasurer of A: retry_import_job() puts a failed job back to pending with attempt 0');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'treasurer of A: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Admin of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000003","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select id from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    $$ values ('c0000000-0000-4000-8000-000000000001'::uuid) $$,
    'admin of A: can see the unit A job');
select results_eq($$ insert into public.import_jobs (unit_id, type, input_csv)
                     values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv by admin of A')
                     returning created_by, status, attempt $$,
    $$ values ('20000000-0000-4000-8000-000000000003'::uuid, 'pending'::text, 0) $$,
    'admin of A: can insert a job; created_by is their own profile, status pending');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot update worker column result');
select throws_ok($$ update public.import_jobs set unit_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot move a job to another unit');
select results_eq($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000013'
                     returning status, cancel_requested_at is not null $$,
    $$ values ('cancelled'::text, true) $$,
    'admin of A: cancel request (UPDATE cancel_requested_at) cancels a pending job at once');
select results_eq($$ select status, cancel_requested_at is not null from public.cancel_import_job('c0000000-0000-4000-8000-000000000023') $$,
    $$ values ('cancelled'::text, true) $$,
    'admin of A: cancel_import_job() cancels a pending job at once');
select results_eq($$ select status, attempt, retry_requested_at is not null from public.retry_import_job('c0000000-0000-4000-8000-000000000033') $$,
    $$ values ('pending'::text, 0, true) $$,
    'admin of A: retry_import_job() puts a failed job back to pending with attempt 0');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'admin of A: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Parent of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000004","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_jobs where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'parent of A: cannot see unit A jobs');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$,
    '42501', 'new row violates row-level security policy for table "import_jobs"',
    'parent of A: cannot insert a job for unit A');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot update worker column result');
select is_empty($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000001' returning id $$,
    'parent of A: cancel request (UPDATE) affects no row');
select throws_ok($$ select public.cancel_import_job('c0000000-0000-4000-8000-000000000001') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000001 not found',
    'parent of A: cancel_import_job() says not found');
select throws_ok($$ select public.retry_import_job('c0000000-0000-4000-8000-000000000002') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000002 not found',
    'parent of A: retry_import_job() says not found');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'parent of A: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Scout of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000005","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_jobs where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'scout of A: cannot see unit A jobs');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$,
    '42501', 'new row violates row-level security policy for table "import_jobs"',
    'scout of A: cannot insert a job for unit A');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot update worker column result');
select is_empty($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000001' returning id $$,
    'scout of A: cancel request (UPDATE) affects no row');
select throws_ok($$ select public.cancel_import_job('c0000000-0000-4000-8000-000000000001') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000001 not found',
    'scout of A: cancel_import_job() says not found');
select throws_ok($$ select public.retry_import_job('c0000000-0000-4000-8000-000000000002') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000002 not found',
    'scout of A: retry_import_job() says not found');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'scout of A: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Inactive leader of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000006","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_jobs where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'inactive leader of A: cannot see unit A jobs');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$,
    '42501', 'new row violates row-level security policy for table "import_jobs"',
    'inactive leader of A: cannot insert a job for unit A');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot update worker column result');
select is_empty($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000001' returning id $$,
    'inactive leader of A: cancel request (UPDATE) affects no row');
select throws_ok($$ select public.cancel_import_job('c0000000-0000-4000-8000-000000000001') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000001 not found',
    'inactive leader of A: cancel_import_job() says not found');
select throws_ok($$ select public.retry_import_job('c0000000-0000-4000-8000-000000000002') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000002 not found',
    'inactive leader of A: retry_import_job() says not found');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'inactive leader of A: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Leader of B
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000007","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select id from public.import_jobs $$,
    $$ values ('c0000000-0000-4000-8000-0000000000b1'::uuid) $$,
    'leader of B: sees the unit B job and nothing else (control)');
select is_empty($$ select id from public.import_jobs where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'leader of B: cannot see unit A jobs');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$,
    '42501', 'new row violates row-level security policy for table "import_jobs"',
    'leader of B: cannot insert a job for unit A');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot update worker column result');
select is_empty($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000001' returning id $$,
    'leader of B: cancel request (UPDATE) affects no row');
select throws_ok($$ select public.cancel_import_job('c0000000-0000-4000-8000-000000000001') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000001 not found',
    'leader of B: cancel_import_job() says not found');
select throws_ok($$ select public.retry_import_job('c0000000-0000-4000-8000-000000000002') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000002 not found',
    'leader of B: retry_import_job() says not found');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'leader of B: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Signed-in user with no membership
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000008","role":"authenticated","aud":"authenticated"}', true);

select is_empty($$ select id from public.import_jobs where unit_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' $$,
    'signed-in user with no membership: cannot see unit A jobs');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$,
    '42501', 'new row violates row-level security policy for table "import_jobs"',
    'signed-in user with no membership: cannot insert a job for unit A');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot update worker column result');
select is_empty($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000001' returning id $$,
    'signed-in user with no membership: cancel request (UPDATE) affects no row');
select throws_ok($$ select public.cancel_import_job('c0000000-0000-4000-8000-000000000001') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000001 not found',
    'signed-in user with no membership: cancel_import_job() says not found');
select throws_ok($$ select public.retry_import_job('c0000000-0000-4000-8000-000000000002') $$,
    'P0002', 'import job c0000000-0000-4000-8000-000000000002 not found',
    'signed-in user with no membership: retry_import_job() says not found');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'signed-in user with no membership: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Signed-in user with no profile
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000009","role":"authenticated","aud":"authenticated"}', true);

select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$,
    '42501', 'no profile is linked to the signed-in user, so the import job cannot be created',
    'signed-in user with no profile: cannot insert a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Anon (no login: the anon key)
-- ============================================================================================
set local role anon;
select set_config('request.jwt.claims', '{"role":"anon"}', true);

select throws_ok($$ select id from public.import_jobs $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot select import_jobs');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot insert a job');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, created_by)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '20000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot insert with a forged created_by');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, status)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 'completed') $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot insert with a forged status');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, processed_items)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 999) $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot insert with forged progress (processed_items)');
select throws_ok($$ update public.import_jobs set status = 'completed' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot update worker column status');
select throws_ok($$ update public.import_jobs set processed_items = 999 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot update worker column processed_items');
select throws_ok($$ update public.import_jobs set lease_owner = 'me' where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot update worker column lease_owner');
select throws_ok($$ update public.import_jobs set attempt = 7 where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot update worker column attempt');
select throws_ok($$ update public.import_jobs set result = '{}'::jsonb where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot update worker column result');
select throws_ok($$ update public.import_jobs set cancel_requested_at = now() where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot request cancel (UPDATE)');
select throws_ok($$ select public.cancel_import_job('c0000000-0000-4000-8000-000000000001') $$,
    '42501', 'permission denied for function cancel_import_job',
    'anon: cannot call cancel_import_job()');
select throws_ok($$ select public.retry_import_job('c0000000-0000-4000-8000-000000000002') $$,
    '42501', 'permission denied for function retry_import_job',
    'anon: cannot call retry_import_job()');
select throws_ok($$ delete from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs',
    'anon: cannot delete a job');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Back as postgres: nothing the denied callers tried left a trace
-- ============================================================================================

select results_eq($$ select status, cancel_requested_at, processed_items, lease_owner, attempt, result
                     from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000001' $$,
    $$ values ('pending'::text, null::timestamptz, 0, null::text, 0, null::jsonb) $$,
    'the unit A job is untouched: still pending, no cancel request, no progress');
select results_eq($$ select status, attempt from public.import_jobs where id = 'c0000000-0000-4000-8000-000000000002' $$,
    $$ values ('failed'::text, 5) $$,
    'the failed unit A job was not retried by a non-leader');
select results_eq($$ select created_by from public.import_jobs
                     where id::text not like 'c0000000-%' order by created_by $$,
    $$ values ('20000000-0000-4000-8000-000000000001'::uuid), ('20000000-0000-4000-8000-000000000002'::uuid), ('20000000-0000-4000-8000-000000000003'::uuid) $$,
    'exactly the three leader inserts created jobs');
select results_eq($$ select count(*)::int from public.import_jobs where id = 'c0000000-0000-4000-8000-0000000000b1' and status = 'pending' $$,
    $$ values (1) $$,
    'the unit B job is untouched');

select * from finish();
rollback;
