-- A leader's retry is bounded (20261201000400_bounded_retry.sql): a failed or cancelled job can
-- be retried max_leader_retries times (3 by default), through retry_import_job() or an UPDATE
-- of retry_requested_at alike; the next request is refused with a message that says what to
-- do. The count and the bound are the database's: a leader cannot write them.
--
-- The leader is switched in exactly as PostgREST does it (set local role + request.jwt.claims);
-- between two retries the job fails again, as the worker (postgres) would record it. All of it
-- runs in one transaction, where now() does not move: the UPDATEs use clock_timestamp() so
-- that each one is a new request.
--
-- Fixed ids: unit aaaaaaaa-…, user 10000000-…-000000000001, profile 20000000-…-000000000001,
-- jobs e0000000-0000-4000-8000-0000000000NN.

begin;
select plan(15);

insert into auth.users (id, email, role, aud) values
    ('10000000-0000-4000-8000-000000000001', 'leader@example.org', 'authenticated', 'authenticated');
insert into public.profiles (id, user_id, email, full_name) values
    ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'leader@example.org', 'Leader');
insert into public.units (id, name, unit_number) values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Troop A', '101');
insert into public.unit_memberships (unit_id, profile_id, role, status) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'leader', 'active');
insert into public.import_jobs (id, unit_id, created_by, type, input_csv, status, completed_at, error_message, attempt)
values ('e0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'failed', now(), 'boom', 5),
       ('e0000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'failed', now(), 'boom', 5),
       ('e0000000-0000-4000-8000-000000000003', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'failed', now(), 'boom', 5);
update public.import_jobs set leader_retries = 3 where id = 'e0000000-0000-4000-8000-000000000002';

select col_default_is('public', 'import_jobs', 'leader_retries', 0, 'a new job has not been retried');
select col_default_is('public', 'import_jobs', 'max_leader_retries', 3, 'a job may be retried 3 times by default');

-- The worker records a failure again (as postgres).
create function pg_temp.fail_again(job uuid) returns void language sql as $$
    update public.import_jobs set status = 'failed', completed_at = now(), error_message = 'boom again', attempt = 5
    where id = job
$$;

set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ select status, attempt from public.retry_import_job('e0000000-0000-4000-8000-000000000001') $$,
    $$ values ('pending'::text, 0) $$, 'retry 1 of 3 (rpc) is accepted');
reset role;
select pg_temp.fail_again('e0000000-0000-4000-8000-000000000001');
set local role authenticated;
select results_eq($$ update public.import_jobs set retry_requested_at = clock_timestamp()
                     where id = 'e0000000-0000-4000-8000-000000000001' returning status $$,
    $$ values ('pending'::text) $$, 'retry 2 of 3 (UPDATE retry_requested_at) is accepted');
reset role;
select pg_temp.fail_again('e0000000-0000-4000-8000-000000000001');
set local role authenticated;
select results_eq($$ update public.import_jobs set retry_requested_at = clock_timestamp()
                     where id = 'e0000000-0000-4000-8000-000000000001' returning status $$,
    $$ values ('pending'::text) $$, 'retry 3 of 3 is accepted');
reset role;
select pg_temp.fail_again('e0000000-0000-4000-8000-000000000001');
set local role authenticated;

select throws_ok($$ update public.import_jobs set retry_requested_at = clock_timestamp() where id = 'e0000000-0000-4000-8000-000000000001' $$,
    '22023',
    'import job e0000000-0000-4000-8000-000000000001 has already been retried 3 times, the most allowed; upload the file again to start a new import',
    'retry 4 (UPDATE retry_requested_at) is refused with a message that says what to do');
-- The rpc stamps now(), which does not move within this transaction: job 02, already retried
-- 3 times in earlier transactions, stands for it.
select throws_ok($$ select public.retry_import_job('e0000000-0000-4000-8000-000000000002') $$,
    '22023',
    'import job e0000000-0000-4000-8000-000000000002 has already been retried 3 times, the most allowed; upload the file again to start a new import',
    'retry 4 (rpc) is refused too');
select results_eq($$ select status, leader_retries, max_leader_retries from public.import_jobs
                     where id = 'e0000000-0000-4000-8000-000000000001' $$,
    $$ values ('failed'::text, 3, 3) $$, 'the refused retry changed nothing');

-- The count and the bound are not the leader's to change.
select throws_ok($$ update public.import_jobs set leader_retries = 0 where id = 'e0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs', 'a leader cannot reset the retry count');
select throws_ok($$ update public.import_jobs set max_leader_retries = 20 where id = 'e0000000-0000-4000-8000-000000000001' $$,
    '42501', 'permission denied for table import_jobs', 'a leader cannot raise the bound');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_csv, max_leader_retries)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', 20) $$,
    '42501', 'permission denied for table import_jobs', 'a leader cannot insert a job with a higher bound');

-- Another job has its own count.
select results_eq($$ select status from public.retry_import_job('e0000000-0000-4000-8000-000000000003') $$,
    $$ values ('pending'::text) $$, 'another job''s first retry is accepted');
select results_eq($$ select leader_retries from public.import_jobs where id = 'e0000000-0000-4000-8000-000000000003' $$,
    $$ values (1) $$, 'and counted for that job alone');
reset role;

-- The bound binds every writer, not only clients.
select throws_ok($$ update public.import_jobs set max_leader_retries = 21 where id = 'e0000000-0000-4000-8000-000000000001' $$,
    '23514', null, 'max_leader_retries is at most 20');
select throws_ok($$ update public.import_jobs set leader_retries = -1 where id = 'e0000000-0000-4000-8000-000000000001' $$,
    '23514', null, 'leader_retries is never negative');

select * from finish();
rollback;
