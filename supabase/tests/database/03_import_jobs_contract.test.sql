-- The database contract of the import job queue (docs/architecture.md, "Database contracts"):
-- the columns the app and the worker rely on, the CHECKs and unique indexes that keep the queue
-- consistent, the cancel / retry state machine, what Realtime needs, RLS everywhere, comments on
-- every column, the exact client grants, and the Studio overview.
--
-- Everything runs as postgres (the worker's role): CHECKs, indexes and triggers bind every
-- writer, not only clients. Fixed ids:
--   units   A aaaaaaaa-…, B bbbbbbbb-…, C cccccccc-…
--   profile 20000000-0000-4000-8000-000000000001 (user 10000000-…-000000000001)
--   jobs    d0000000-0000-4000-8000-0000000000NN, created in each section

begin;
select plan(111);

-- Fixtures ------------------------------------------------------------------------------------

insert into auth.users (id, email) values ('10000000-0000-4000-8000-000000000001', 'leader@example.org');
insert into public.profiles (id, user_id, email) values
    ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'leader@example.org');
insert into public.units (id, name) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Troop A'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Troop B'),
    ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'Troop C');

-- ============================================================================================
-- Tables and columns
-- ============================================================================================

select has_table('public', 'import_jobs', 'table import_jobs exists');
select has_table('public', 'import_job_issues', 'table import_job_issues exists');
select has_table('public', 'import_job_checkpoints', 'table import_job_checkpoints exists');
select has_view('public', 'import_job_overview', 'view import_job_overview exists');

-- The seed's columns, with the types the app reads.
select col_type_is('public', 'import_jobs', 'id', 'uuid', 'import_jobs.id is uuid');
select col_type_is('public', 'import_jobs', 'unit_id', 'uuid', 'import_jobs.unit_id is uuid');
select col_type_is('public', 'import_jobs', 'created_by', 'uuid', 'import_jobs.created_by is uuid');
select col_type_is('public', 'import_jobs', 'type', 'text', 'import_jobs.type is text');
select col_type_is('public', 'import_jobs', 'status', 'text', 'import_jobs.status is text');
select col_type_is('public', 'import_jobs', 'total_scouts', 'integer', 'import_jobs.total_scouts is integer');
select col_type_is('public', 'import_jobs', 'processed_scouts', 'integer', 'import_jobs.processed_scouts is integer');
select col_type_is('public', 'import_jobs', 'total_items', 'integer', 'import_jobs.total_items is integer');
select col_type_is('public', 'import_jobs', 'processed_items', 'integer', 'import_jobs.processed_items is integer');
select col_type_is('public', 'import_jobs', 'current_phase', 'text', 'import_jobs.current_phase is text');
select col_type_is('public', 'import_jobs', 'result', 'jsonb', 'import_jobs.result is jsonb');
select col_type_is('public', 'import_jobs', 'error_message', 'text', 'import_jobs.error_message is text');
select col_type_is('public', 'import_jobs', 'created_at', 'timestamp with time zone', 'import_jobs.created_at is timestamptz');
select col_type_is('public', 'import_jobs', 'started_at', 'timestamp with time zone', 'import_jobs.started_at is timestamptz');
select col_type_is('public', 'import_jobs', 'completed_at', 'timestamp with time zone', 'import_jobs.completed_at is timestamptz');
select col_type_is('public', 'import_jobs', 'staged_data', 'jsonb', 'import_jobs.staged_data is jsonb');
select col_type_is('public', 'import_jobs', 'selected_scout_ids', 'jsonb', 'import_jobs.selected_scout_ids is jsonb');

-- The additions: input, options, queue bookkeeping.
select col_type_is('public', 'import_jobs', 'input_csv', 'text', 'import_jobs.input_csv is text');
select col_type_is('public', 'import_jobs', 'options', 'jsonb', 'import_jobs.options is jsonb');
select col_type_is('public', 'import_jobs', 'idempotency_key', 'text', 'import_jobs.idempotency_key is text');
select col_type_is('public', 'import_jobs', 'input_purged_at', 'timestamp with time zone', 'import_jobs.input_purged_at is timestamptz');
select col_type_is('public', 'import_jobs', 'updated_at', 'timestamp with time zone', 'import_jobs.updated_at is timestamptz');
select col_type_is('public', 'import_jobs', 'attempt', 'integer', 'import_jobs.attempt is integer');
select col_type_is('public', 'import_jobs', 'max_attempts', 'integer', 'import_jobs.max_attempts is integer');
select col_type_is('public', 'import_jobs', 'run_after', 'timestamp with time zone', 'import_jobs.run_after is timestamptz');
select col_type_is('public', 'import_jobs', 'lease_owner', 'text', 'import_jobs.lease_owner is text');
select col_type_is('public', 'import_jobs', 'lease_token', 'uuid', 'import_jobs.lease_token is uuid');
select col_type_is('public', 'import_jobs', 'lease_expires_at', 'timestamp with time zone', 'import_jobs.lease_expires_at is timestamptz');
select col_type_is('public', 'import_jobs', 'heartbeat_at', 'timestamp with time zone', 'import_jobs.heartbeat_at is timestamptz');
select col_type_is('public', 'import_jobs', 'cancel_requested_at', 'timestamp with time zone', 'import_jobs.cancel_requested_at is timestamptz');
select col_type_is('public', 'import_jobs', 'retry_requested_at', 'timestamp with time zone', 'import_jobs.retry_requested_at is timestamptz');

select col_not_null('public', 'import_jobs', 'unit_id', 'import_jobs.unit_id is NOT NULL');
select col_not_null('public', 'import_jobs', 'created_by', 'import_jobs.created_by is NOT NULL');
select col_not_null('public', 'import_jobs', 'type', 'import_jobs.type is NOT NULL');
select col_not_null('public', 'import_jobs', 'status', 'import_jobs.status is NOT NULL');
select col_default_is('public', 'import_jobs', 'status', 'pending'::text, 'a new job is pending');
select col_default_is('public', 'import_jobs', 'selected_scout_ids', '[]'::jsonb, 'selected_scout_ids defaults to [] (all scouts)');
select col_default_is('public', 'import_jobs', 'options', '{}'::jsonb, 'options defaults to {}');

select has_pk('public', 'import_jobs', 'import_jobs has a primary key (Realtime needs one)');
select col_is_pk('public', 'import_jobs', 'id', 'the primary key of import_jobs is id');
select fk_ok('public', 'import_jobs', 'unit_id', 'public', 'units', 'id', 'import_jobs.unit_id references units');
select fk_ok('public', 'import_jobs', 'created_by', 'public', 'profiles', 'id', 'import_jobs.created_by references profiles');
select fk_ok('public', 'import_job_issues', 'job_id', 'public', 'import_jobs', 'id', 'import_job_issues.job_id references import_jobs');
select fk_ok('public', 'import_job_checkpoints', 'job_id', 'public', 'import_jobs', 'id', 'import_job_checkpoints.job_id references import_jobs');

-- ============================================================================================
-- CHECK constraints
-- ============================================================================================

select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, status)
                    values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'bogus') $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_status_check"',
    'the status CHECK rejects status bogus on insert');
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, status, lease_owner, lease_token, lease_expires_at)
                   values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'pending', null, null, null),
                          ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'processing', 'w1', gen_random_uuid(), now() + interval '1 minute'),
                          ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'completed', null, null, null),
                          ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'failed', null, null, null),
                          ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'cancelled', null, null, null) $$,
    'the status CHECK accepts pending, processing, completed, failed and cancelled');
select throws_ok($$ update public.import_jobs set status = 'bogus' where unit_id = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc' and status = 'completed' $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_status_check"',
    'the status CHECK rejects status bogus on update');

select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv)
                    values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'bogus', 'csv') $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_type_check"',
    'the type CHECK rejects type bogus');
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv)
                   values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv'),
                          ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'scout_history', 'csv') $$,
    'the type CHECK accepts troop_advancement and scout_history');

select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type)
                    values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement') $$,
    '23514', 'an import job needs exactly one input: input_path (a file uploaded to Storage), input_csv or staged_data',
    'a job needs an input: neither staged_data nor input_csv is rejected');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, staged_data)
                    values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', '{}') $$,
    '23514', 'an import job needs exactly one input: input_path (a file uploaded to Storage), input_csv or staged_data',
    'a job has exactly one input: both staged_data and input_csv is rejected');
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, staged_data)
                   values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', '{"scouts": []}') $$,
    'staged_data alone is a valid input (the app''s preview flow)');
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, status, input_purged_at, completed_at)
                   values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'completed', now(), now()) $$,
    'a finished job whose input was purged may have no input');

select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, status)
                    values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'processing') $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_lease_check"',
    'a processing job must hold a lease (owner, token, expiry)');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, lease_owner, lease_token, lease_expires_at)
                    values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'w1', gen_random_uuid(), now()) $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_lease_check"',
    'a job that is not processing holds no lease');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, processed_items)
                    values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', -1) $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_counts_check"',
    'progress counts are never negative');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, selected_scout_ids)
                    values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', '{}') $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_selected_scout_ids_array_check"',
    'selected_scout_ids must be a JSON array');

-- ============================================================================================
-- Unique indexes: one running import per unit; idempotency key unique per unit
-- ============================================================================================

select lives_ok($$ insert into public.import_jobs (id, unit_id, created_by, type, input_csv, status, lease_owner, lease_token, lease_expires_at)
                   values ('d0000000-0000-4000-8000-000000000001', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001',
                           'troop_advancement', 'csv', 'processing', 'w1', gen_random_uuid(), now() + interval '1 minute') $$,
    'a unit may have one processing job');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, status, lease_owner, lease_token, lease_expires_at)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001',
                            'troop_advancement', 'csv', 'processing', 'w2', gen_random_uuid(), now() + interval '1 minute') $$,
    '23505', 'duplicate key value violates unique constraint "import_jobs_one_running_per_unit_key"',
    'a second processing job of the same unit is rejected');
select lives_ok($$ insert into public.import_jobs (id, unit_id, created_by, type, input_csv)
                   values ('d0000000-0000-4000-8000-000000000002', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001',
                           'troop_advancement', 'csv') $$,
    'a unit with a processing job may still queue pending jobs');
select throws_ok($$ update public.import_jobs
                    set status = 'processing', lease_owner = 'w2', lease_token = gen_random_uuid(), lease_expires_at = now() + interval '1 minute'
                    where id = 'd0000000-0000-4000-8000-000000000002' $$,
    '23505', 'duplicate key value violates unique constraint "import_jobs_one_running_per_unit_key"',
    'claiming a second job of a unit that already has a processing job is rejected');
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, status, lease_owner, lease_token, lease_expires_at)
                   values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001',
                           'troop_advancement', 'csv', 'processing', 'w2', gen_random_uuid(), now() + interval '1 minute') $$,
    'another unit may run a job at the same time');

select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, idempotency_key)
                   values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'upload-1') $$,
    'a job may carry an idempotency key');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, idempotency_key)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'upload-1') $$,
    '23505', 'duplicate key value violates unique constraint "import_jobs_unit_idempotency_key"',
    'the same idempotency key twice in one unit is rejected');
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, idempotency_key)
                   values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'upload-1') $$,
    'the same idempotency key is allowed in another unit');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_csv, idempotency_key)
                    values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', '') $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_idempotency_key_length_check"',
    'an empty idempotency key is rejected');

-- ============================================================================================
-- Cancel and retry (the trigger binds every writer, the worker included)
-- ============================================================================================

insert into public.import_jobs (id, unit_id, created_by, type, input_csv, status, lease_owner, lease_token, lease_expires_at, completed_at, input_purged_at)
values
    ('d0000000-0000-4000-8000-000000000010', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'pending', null, null, null, null, null),
    ('d0000000-0000-4000-8000-000000000011', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'completed', null, null, null, now(), null),
    ('d0000000-0000-4000-8000-000000000012', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'failed', null, null, null, now(), null),
    ('d0000000-0000-4000-8000-000000000013', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'cancelled', null, null, null, now(), null),
    ('d0000000-0000-4000-8000-000000000014', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', null, 'failed', null, null, null, now(), now()),
    ('d0000000-0000-4000-8000-000000000015', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'failed', null, null, null, now(), null);
update public.import_jobs set error_message = 'Boom.', attempt = 5, current_phase = 'ranks'
where id in ('d0000000-0000-4000-8000-000000000012', 'd0000000-0000-4000-8000-000000000013');

select results_eq($$ update public.import_jobs set cancel_requested_at = '2000-01-01' where id = 'd0000000-0000-4000-8000-000000000010'
                     returning status, cancel_requested_at = now(), completed_at = now(), error_message is not null $$,
    $$ values ('cancelled'::text, true, true, true) $$,
    'cancelling a pending job cancels it at once, stamped with the server time (a client-supplied time is ignored)');
select results_eq($$ update public.import_jobs set cancel_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000001'
                     returning status, cancel_requested_at is not null, lease_owner $$,
    $$ values ('processing'::text, true, 'w1'::text) $$,
    'cancelling a processing job only records the request: its worker stops at the next chunk');
select throws_ok($$ update public.import_jobs set cancel_requested_at = null where id = 'd0000000-0000-4000-8000-000000000001' $$,
    '22023', 'a cancel request cannot be withdrawn (job d0000000-0000-4000-8000-000000000001)',
    'a cancel request cannot be withdrawn');
select throws_ok($$ update public.import_jobs set cancel_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000011' $$,
    '22023', 'import job d0000000-0000-4000-8000-000000000011 has already finished (status completed), so it cannot be cancelled',
    'a finished job cannot be cancelled');

select throws_ok($$ update public.import_jobs set retry_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000002' $$,
    '22023', 'only a failed or cancelled import job can be retried (job d0000000-0000-4000-8000-000000000002 is pending)',
    'a pending job cannot be retried');
select throws_ok($$ update public.import_jobs set retry_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000001' $$,
    '22023', 'only a failed or cancelled import job can be retried (job d0000000-0000-4000-8000-000000000001 is processing)',
    'a processing job cannot be retried');
select throws_ok($$ update public.import_jobs set retry_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000011' $$,
    '22023', 'only a failed or cancelled import job can be retried (job d0000000-0000-4000-8000-000000000011 is completed)',
    'a completed job cannot be retried');
select results_eq($$ update public.import_jobs set retry_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000012'
                     returning status, attempt, error_message, completed_at, current_phase, lease_owner $$,
    $$ values ('pending'::text, 0, null::text, null::timestamptz, 'queued'::text, null::text) $$,
    'a failed job can be retried: pending again, attempts reset, error cleared');
select results_eq($$ update public.import_jobs set retry_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000013'
                     returning status, attempt, cancel_requested_at $$,
    $$ values ('pending'::text, 0, null::timestamptz) $$,
    'a cancelled job can be retried: pending again, cancel request cleared');
select throws_ok($$ update public.import_jobs set retry_requested_at = now() where id = 'd0000000-0000-4000-8000-000000000014' $$,
    '22023', 'the input of import job d0000000-0000-4000-8000-000000000014 was purged after the retention period; upload the file again',
    'a job whose input was purged cannot be retried');

-- ============================================================================================
-- Realtime: the table is published, with the default replica identity
-- ============================================================================================

select results_eq($$ select schemaname::text collate "default", tablename::text collate "default" from pg_publication_tables
                     where pubname = 'supabase_realtime' and tablename like 'import_job%' $$,
    $$ values ('public', 'import_jobs') $$,
    'import_jobs is in the supabase_realtime publication; its issues and checkpoints are not');
select is((select pubupdate from pg_publication where pubname = 'supabase_realtime'), true,
    'the supabase_realtime publication publishes updates');
select is((select relreplident::text from pg_class where oid = 'public.import_jobs'::regclass), 'd',
    'import_jobs has the default replica identity (never FULL: progress events stay small)');

-- ============================================================================================
-- Row-level security everywhere
-- ============================================================================================

select is((select relrowsecurity from pg_class where oid = 'public.import_jobs'::regclass), true,
    'RLS is enabled on import_jobs');
select is((select relrowsecurity from pg_class where oid = 'public.import_job_issues'::regclass), true,
    'RLS is enabled on import_job_issues');
select is((select relrowsecurity from pg_class where oid = 'public.import_job_checkpoints'::regclass), true,
    'RLS is enabled on import_job_checkpoints');
select is_empty($$ select relname from pg_class
                   where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and not relrowsecurity $$,
    'every table in schema public has RLS enabled');

-- ============================================================================================
-- Client grants: exactly the client columns, nothing for anon
-- ============================================================================================

select results_eq($$ select attname::text collate "default" from pg_attribute
                     where attrelid = 'public.import_jobs'::regclass and attnum > 0 and not attisdropped
                       and has_column_privilege('authenticated', attrelid, attnum, 'INSERT')
                     order by attname $$,
    $$ values ('idempotency_key'), ('input_csv'), ('input_path'), ('options'), ('selected_scout_ids'), ('staged_data'), ('type'), ('unit_id') $$,
    'authenticated may insert exactly the client columns');
select results_eq($$ select attname::text collate "default" from pg_attribute
                     where attrelid = 'public.import_jobs'::regclass and attnum > 0 and not attisdropped
                       and has_column_privilege('authenticated', attrelid, attnum, 'UPDATE')
                     order by attname $$,
    $$ values ('cancel_requested_at'), ('retry_requested_at') $$,
    'authenticated may update exactly the two request columns');
select is_empty($$ select attname from pg_attribute
                   where attrelid = 'public.import_jobs'::regclass and attnum > 0 and not attisdropped
                     and not has_column_privilege('authenticated', attrelid, attnum, 'SELECT') $$,
    'authenticated may select every column of import_jobs (Realtime drops unreadable columns)');
select is(has_table_privilege('authenticated', 'public.import_jobs', 'DELETE, TRUNCATE, REFERENCES, TRIGGER'), false,
    'authenticated may not delete, truncate, reference or add triggers to import_jobs');
select is_empty($$ select c.relname from pg_class c
                   where c.oid in ('public.import_jobs'::regclass, 'public.import_job_issues'::regclass,
                                   'public.import_job_checkpoints'::regclass, 'public.import_job_overview'::regclass)
                     and (has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                          or has_any_column_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')) $$,
    'anon has no privilege on any import table or the overview');
select is(has_function_privilege('anon', 'public.cancel_import_job(uuid)', 'EXECUTE')
          or has_function_privilege('anon', 'public.retry_import_job(uuid)', 'EXECUTE'), false,
    'anon may not execute cancel_import_job() or retry_import_job()');

-- ============================================================================================
-- Comments on every column
-- ============================================================================================

select is_empty($$ select attname from pg_attribute
                   where attrelid = 'public.import_jobs'::regclass and attnum > 0 and not attisdropped
                     and col_description(attrelid, attnum) is null $$,
    'every column of import_jobs has a comment');
select is_empty($$ select attname from pg_attribute
                   where attrelid = 'public.import_job_issues'::regclass and attnum > 0 and not attisdropped
                     and col_description(attrelid, attnum) is null $$,
    'every column of import_job_issues has a comment');
select isnt(obj_description('public.import_jobs'::regclass, 'pg_class'), null, 'import_jobs has a table comment');
select isnt(obj_description('public.import_job_issues'::regclass, 'pg_class'), null, 'import_job_issues has a table comment');
select isnt(obj_description('public.import_job_overview'::regclass, 'pg_class'), null, 'import_job_overview has a comment');

-- ============================================================================================
-- Triggers
-- ============================================================================================

select has_trigger('public', 'import_jobs', 'import_jobs_notify_insert', 'import_jobs has the NOTIFY-on-insert trigger');
select has_trigger('public', 'import_jobs', 'import_jobs_before_insert', 'import_jobs has the created_by trigger');
-- One trigger call on each side of an insert (migration 20261201001300): every call has a fixed
-- cost that each upload's pickup pays. tgtype bits: 2 BEFORE, 4 INSERT.
select is((select count(*) from pg_trigger
           where tgrelid = 'public.import_jobs'::regclass and not tgisinternal and tgenabled <> 'D'
             and tgtype & 4 = 4 and tgtype & 2 = 2), 1::bigint,
    'an insert into import_jobs fires one BEFORE trigger');
select is((select count(*) from pg_trigger
           where tgrelid = 'public.import_jobs'::regclass and not tgisinternal and tgenabled <> 'D'
             and tgtype & 4 = 4 and tgtype & 2 = 0), 1::bigint,
    'an insert into import_jobs fires one AFTER trigger');
select has_trigger('public', 'import_jobs', 'import_jobs_before_update', 'import_jobs has the cancel / retry trigger');
select has_trigger('public', 'import_jobs', 'import_jobs_after_update_notify', 'import_jobs has the NOTIFY-on-state-change trigger');
-- A retry request (UPDATE of retry_requested_at only) turns a failed job back to pending, so the
-- worker must be woken: the NOTIFY trigger must fire for that UPDATE too. A column list on an
-- UPDATE trigger only looks at the statement's SET targets, not at what BEFORE triggers change.
select ok((select cardinality(t.tgattr::int2[]) = 0
                  or (select a.attnum from pg_attribute a
                      where a.attrelid = t.tgrelid and a.attname = 'retry_requested_at') = any (t.tgattr::int2[])
           from pg_trigger t
           where t.tgrelid = 'public.import_jobs'::regclass and t.tgname = 'import_jobs_after_update_notify'),
    'the NOTIFY-on-state-change trigger fires on a retry request (UPDATE of retry_requested_at)');
select results_eq($$ update public.import_jobs set processed_items = 5, updated_at = '2000-01-01'
                     where id = 'd0000000-0000-4000-8000-000000000002'
                     returning updated_at = now() $$,
    $$ values (true) $$,
    'every update sets updated_at to the server time, whatever the writer supplies');

-- ============================================================================================
-- The Studio overview
-- ============================================================================================

select ok((select reloptions from pg_class where oid = 'public.import_job_overview'::regclass) @> array['security_invoker=true'],
    'import_job_overview is security_invoker, so RLS of the caller applies');
select hasnt_column('public', 'import_job_overview', 'input_csv', 'import_job_overview has no input_csv column');
select hasnt_column('public', 'import_job_overview', 'staged_data', 'import_job_overview has no staged_data column');
select hasnt_column('public', 'import_job_overview', 'result', 'import_job_overview has no result column');
select results_eq($$ select status, processed_items, total_items, percent_done, input_bytes
                     from public.import_job_overview where id = 'd0000000-0000-4000-8000-000000000002' $$,
    $$ values ('pending'::text, 5, 0, null::numeric, 3) $$,
    'import_job_overview shows status, progress and input size of a job');

select * from finish();
rollback;
