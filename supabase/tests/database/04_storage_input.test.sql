-- Storage input: the private bucket `imports`, who may do what with its objects, and the
-- import_jobs.input_path rules.
--
-- The Storage service runs every API call as SQL on storage.objects under the caller's role and
-- JWT claims, exactly as PostgREST does for tables: an upload is an INSERT (owner = the
-- caller), a download or listing a SELECT, an overwrite (x-upsert) an UPDATE, a remove a DELETE
-- (with storage.allow_delete_query set, which only the service does). Each identity below is
-- switched the same way: set local role + request.jwt.claims for the transaction.
--
-- The matrix: {leader of A, leader of B, parent of A, inactive leader of A, anon} x {upload to
-- A's folder, upload to B's folder, read, overwrite, delete}; the service role reads and
-- deletes everything. Then input_path: in the job's own unit folder only, never "..", exactly
-- one input.
--
-- Fixed ids:
--   units      A aaaaaaaa-…, B bbbbbbbb-…
--   auth users 10000000-0000-4000-8000-0000000000NN, profiles 20000000-…-0000000000NN:
--              01 leader A, 02 leader B, 03 parent A, 04 inactive leader A
--   objects    e0000000-0000-4000-8000-0000000000NN: a1 A's export, b1 B's export

begin;
select plan(62);

-- Fixtures (as postgres) ---------------------------------------------------------------------

insert into auth.users (id, email, role, aud)
select ('10000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       'user' || n || '@example.org', 'authenticated', 'authenticated'
from generate_series(1, 4) n;

insert into public.profiles (id, user_id, email, full_name)
select ('20000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       ('10000000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       'user' || n || '@example.org', 'User ' || n
from generate_series(1, 4) n;

insert into public.units (id, name, unit_number) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Troop A', '101'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Troop B', '202');

insert into public.unit_memberships (unit_id, profile_id, role, status) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'leader', 'active'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000002', 'leader', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000003', 'parent', 'active'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000004', 'leader', 'inactive');

-- One existing upload per unit.
insert into storage.objects (id, bucket_id, name, owner, metadata) values
    ('e0000000-0000-4000-8000-0000000000a1', 'imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv',
     '10000000-0000-4000-8000-000000000001', '{"size": 10, "mimetype": "text/csv"}'),
    ('e0000000-0000-4000-8000-0000000000b1', 'imports', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/b1.csv',
     '10000000-0000-4000-8000-000000000002', '{"size": 10, "mimetype": "text/csv"}');

-- ============================================================================================
-- The bucket
-- ============================================================================================

select results_eq($$ select public, file_size_limit from storage.buckets where id = 'imports' $$,
    $$ values (false, 314572800::bigint) $$,
    'bucket imports exists, is private and limits a file to 300 MiB');
select ok((select allowed_mime_types @> array['text/csv', 'text/plain'] from storage.buckets where id = 'imports'),
    'bucket imports accepts CSV and plain text');
select ok((select not (allowed_mime_types && array['application/octet-stream', 'application/pdf', 'image/png'])
           from storage.buckets where id = 'imports'),
    'bucket imports refuses other types');
select policies_are('storage', 'objects', array['imports_insert_unit_leaders', 'imports_select_unit_leaders', 'import_worker_read_imports'],
    'storage.objects has exactly the insert and select policies of bucket imports and the worker''s read policy (no update, no delete)');

-- ============================================================================================
-- Leader of A
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated","aud":"authenticated"}', true);

select lives_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                   values ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/new.csv', auth.uid(), '{}') $$,
    'leader of A: can upload into A''s folder');
select lives_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                   values ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/2026/12/deep.csv', auth.uid(), '{}') $$,
    'leader of A: can upload into a subfolder of A''s folder');
select throws_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                    values ('imports', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/x.csv', auth.uid(), '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'leader of A: cannot upload into B''s folder');
select throws_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                    values ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/../bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/x.csv', auth.uid(), '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'leader of A: cannot climb out of A''s folder with ..');
select throws_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                    values ('imports', 'x.csv', auth.uid(), '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'leader of A: cannot upload at the root of the bucket');
select throws_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                    values ('imports', 'not-a-unit/x.csv', auth.uid(), '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'leader of A: a first folder that is not a unit id is refused, not an error');
select results_eq($$ select name from storage.objects where bucket_id = 'imports' and (name like '%/a1.csv' or name like '%/b1.csv') order by name $$,
    $$ values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv'::text) $$,
    'leader of A: reads A''s upload and not B''s');
select is_empty($$ update storage.objects set metadata = '{"size": 1}' where id = 'e0000000-0000-4000-8000-0000000000a1' returning id $$,
    'leader of A: cannot overwrite A''s upload (no update)');
select set_config('storage.allow_delete_query', 'true', true);
select is_empty($$ delete from storage.objects where id = 'e0000000-0000-4000-8000-0000000000a1' returning id $$,
    'leader of A: cannot delete A''s upload (the retention purge does)');
select is_empty($$ delete from storage.objects where id = 'e0000000-0000-4000-8000-0000000000b1' returning id $$,
    'leader of A: cannot delete B''s upload');
select set_config('storage.allow_delete_query', '', true);
select throws_ok($$ delete from storage.objects where id = 'e0000000-0000-4000-8000-0000000000a1' $$,
    '42501', 'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
    'leader of A: a delete outside the Storage service is refused outright');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Leader of B
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000002","role":"authenticated","aud":"authenticated"}', true);

select throws_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                    values ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/by-b.csv', auth.uid(), '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'leader of B: cannot upload into A''s folder');
select lives_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                   values ('imports', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/new.csv', auth.uid(), '{}') $$,
    'leader of B: can upload into B''s folder');
select is_empty($$ select id from storage.objects where name like 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/%' $$,
    'leader of B: sees nothing of A''s folder');
select is_empty($$ update storage.objects set name = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/stolen.csv' where id = 'e0000000-0000-4000-8000-0000000000a1' returning id $$,
    'leader of B: cannot move A''s upload');
select set_config('storage.allow_delete_query', 'true', true);
select is_empty($$ delete from storage.objects where id = 'e0000000-0000-4000-8000-0000000000a1' returning id $$,
    'leader of B: cannot delete A''s upload');
select set_config('storage.allow_delete_query', '', true);

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- Parent of A and inactive leader of A: members, but without the import right
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000003","role":"authenticated","aud":"authenticated"}', true);

select throws_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                    values ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/by-parent.csv', auth.uid(), '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'parent of A: cannot upload into A''s folder');
select is_empty($$ select id from storage.objects $$,
    'parent of A: sees no upload');
select is_empty($$ update storage.objects set metadata = '{}' where id = 'e0000000-0000-4000-8000-0000000000a1' returning id $$,
    'parent of A: cannot overwrite A''s upload');
select set_config('storage.allow_delete_query', 'true', true);
select is_empty($$ delete from storage.objects where id = 'e0000000-0000-4000-8000-0000000000a1' returning id $$,
    'parent of A: cannot delete A''s upload');
select set_config('storage.allow_delete_query', '', true);

reset role;
select set_config('request.jwt.claims', '', true);
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000004","role":"authenticated","aud":"authenticated"}', true);

select throws_ok($$ insert into storage.objects (bucket_id, name, owner, metadata)
                    values ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/by-inactive.csv', auth.uid(), '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'inactive leader of A: cannot upload into A''s folder');
select is_empty($$ select id from storage.objects $$,
    'inactive leader of A: sees no upload');

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- anon
-- ============================================================================================
set local role anon;
select set_config('request.jwt.claims', '{"role":"anon","iss":"supabase"}', true);

select throws_ok($$ insert into storage.objects (bucket_id, name, metadata)
                    values ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/by-anon.csv', '{}') $$,
    '42501', 'new row violates row-level security policy for table "objects"',
    'anon: cannot upload');
select is_empty($$ select id from storage.objects $$,
    'anon: sees no upload');
select is_empty($$ update storage.objects set metadata = '{}' returning id $$,
    'anon: cannot overwrite an upload');
select set_config('storage.allow_delete_query', 'true', true);
select is_empty($$ delete from storage.objects returning id $$,
    'anon: cannot delete an upload');
select set_config('storage.allow_delete_query', '', true);

reset role;
select set_config('request.jwt.claims', '', true);

-- ============================================================================================
-- service_role (the worker's Storage key): reads and deletes anything
-- ============================================================================================
set local role service_role;
select set_config('request.jwt.claims', '{"role":"service_role","iss":"supabase"}', true);

select results_eq($$ select count(*)::int from storage.objects where bucket_id = 'imports' $$,
    $$ values (5) $$,
    'service_role: reads every upload (two fixtures and the three the leaders made)');
select set_config('storage.allow_delete_query', 'true', true);
select results_eq($$ delete from storage.objects where id = 'e0000000-0000-4000-8000-0000000000b1' returning name $$,
    $$ values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/b1.csv'::text) $$,
    'service_role: deletes an upload (the retention purge)');
select set_config('storage.allow_delete_query', '', true);

reset role;
select set_config('request.jwt.claims', '', true);

select results_eq($$ select name, metadata from storage.objects where id = 'e0000000-0000-4000-8000-0000000000a1' $$,
    $$ values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv'::text, '{"size": 10, "mimetype": "text/csv"}'::jsonb) $$,
    'A''s upload is untouched by everything the others tried');

-- ============================================================================================
-- import_jobs.input_path
-- ============================================================================================

select col_type_is('public', 'import_jobs', 'input_path', 'text', 'import_jobs.input_path is text');
select col_is_null('public', 'import_jobs', 'input_path', 'import_jobs.input_path is nullable');
select ok(col_description('public.import_jobs'::regclass,
                          (select attnum from pg_attribute where attrelid = 'public.import_jobs'::regclass and attname = 'input_path')) is not null,
    'import_jobs.input_path has a comment');
select ok(has_column_privilege('authenticated', 'public.import_jobs', 'input_path', 'INSERT'),
    'authenticated may insert input_path');
select ok(not has_column_privilege('authenticated', 'public.import_jobs', 'input_path', 'UPDATE'),
    'authenticated may not change input_path afterwards');
select ok(not has_column_privilege('anon', 'public.import_jobs', 'input_path', 'INSERT'),
    'anon may not insert input_path');

-- As the worker's role (postgres): the rules bind every writer.
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                   values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                           'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv') $$,
    'a job may read a file in its unit''s folder');
select lives_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                   values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'scout_history',
                           'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA/2026/history.csv') $$,
    'the unit folder may be spelled in capitals, and hold subfolders');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/b1.csv') $$,
    '23514', 'input_path "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/b1.csv" is not a file in the unit''s folder: upload the export to imports/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/<file name> and use that path',
    'a job cannot read another unit''s file, and the refusal says where the file belongs');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/../bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/b1.csv') $$,
    '23514', null,
    'a path cannot climb out of the unit''s folder with ..');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/') $$,
    '23514', null,
    'a path must name a file, not the folder');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            '/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv') $$,
    '23514', null,
    'a path is relative to the bucket (no leading slash)');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'imports/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv') $$,
    '23514', null,
    'a path does not repeat the bucket name');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv', 'csv') $$,
    '23514', 'an import job needs exactly one input: input_path (a file uploaded to Storage), input_csv or staged_data',
    'a job has exactly one input: input_path and input_csv together are refused');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path, staged_data)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv', '{}') $$,
    '23514', 'an import job needs exactly one input: input_path (a file uploaded to Storage), input_csv or staged_data',
    'a job has exactly one input: input_path and staged_data together are refused');
select throws_ok($$ update public.import_jobs set unit_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
                    where input_path = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv' $$,
    '23514', null,
    'a job reading a file cannot be moved to another unit');

-- The constraints hold without the trigger that words the refusals (created_by is named here,
-- so nothing else is missed).
alter table public.import_jobs disable trigger import_jobs_before_insert;
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/b1.csv') $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_input_path_check"',
    'backstop: the input_path CHECK refuses another unit''s folder');
select throws_ok($$ insert into public.import_jobs (unit_id, created_by, type, input_path, input_csv)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'troop_advancement',
                            'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv', 'csv') $$,
    '23514', 'new row for relation "import_jobs" violates check constraint "import_jobs_one_input_check"',
    'backstop: the one-input CHECK counts input_path');
alter table public.import_jobs enable trigger import_jobs_before_insert;

-- As a leader through the Data API.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated","aud":"authenticated"}', true);

select results_eq($$ insert into public.import_jobs (unit_id, type, input_path)
                     values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/new.csv')
                     returning created_by, status, input_path $$,
    $$ values ('20000000-0000-4000-8000-000000000001'::uuid, 'pending'::text, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/new.csv'::text) $$,
    'leader of A: inserts a job reading the file they uploaded');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb/b1.csv') $$,
    '23514', null,
    'leader of A: cannot point a unit A job at B''s file');
select throws_ok($$ update public.import_jobs set input_path = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/other.csv'
                    where input_path is not null $$,
    '42501', 'permission denied for table import_jobs',
    'leader of A: cannot change a job''s input_path afterwards');

reset role;
select set_config('request.jwt.claims', '', true);

-- The retention purge may clear input_path once the file is gone.
select lives_ok($$ update public.import_jobs set input_path = null, input_purged_at = now(), status = 'completed', completed_at = now()
                   where input_path = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/a1.csv' $$,
    'a purged job may have no input left');

-- ============================================================================================
-- A Storage file counts in the input limits with the size Storage recorded
-- ============================================================================================

-- As the Storage service records them after an upload (metadata.size in bytes).
insert into storage.objects (bucket_id, name, owner, metadata) values
    ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/big.csv', '10000000-0000-4000-8000-000000000001',
     jsonb_build_object('size', 200 * 1024 * 1024, 'mimetype', 'text/csv')),
    ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/part1.csv', '10000000-0000-4000-8000-000000000001',
     jsonb_build_object('size', 120 * 1024 * 1024, 'mimetype', 'text/csv')),
    ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/part2.csv', '10000000-0000-4000-8000-000000000001',
     jsonb_build_object('size', 120 * 1024 * 1024, 'mimetype', 'text/csv')),
    ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/part3.csv', '10000000-0000-4000-8000-000000000001',
     jsonb_build_object('size', 20 * 1024 * 1024, 'mimetype', 'text/csv')),
    ('imports', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/nosize.csv', '10000000-0000-4000-8000-000000000001', '{}');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated","aud":"authenticated"}', true);

select throws_ok($$ insert into public.import_jobs (unit_id, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/big.csv') $$,
    '23514', 'the uploaded file is too large: 200 MB for a Troop Advancement import (at most 128 MB)',
    'leader of A: a Storage file over its type''s size limit is refused at the insert, in the same words as an input sent in the row');
select results_eq($$ insert into public.import_jobs (unit_id, type, input_path)
                     values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/part1.csv')
                     returning input_bytes $$,
    $$ values (125829120::bigint) $$,
    'leader of A: the job records the Storage file''s size as its input_bytes');
select lives_ok($$ insert into public.import_jobs (unit_id, type, input_path)
                   values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/part2.csv') $$,
    'leader of A: a second file fits the unit''s 256 MB while both wait (240 MB)');
select throws_ok($$ insert into public.import_jobs (unit_id, type, input_path)
                    values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/part3.csv') $$,
    '23514', 'this unit''s waiting and running imports already hold 240 MB of files, and this one (20 MB) would pass the limit of 256 MB; wait for them to finish or cancel some',
    'leader of A: Storage files count in the unit''s bytes of waiting jobs');
select results_eq($$ insert into public.import_jobs (unit_id, type, input_path)
                     values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/missing.csv')
                     returning input_bytes $$,
    $$ values (0::bigint) $$,
    'leader of A: a path with no file yet counts 0 (the worker reports the missing file)');
select results_eq($$ insert into public.import_jobs (unit_id, type, input_path)
                     values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/nosize.csv')
                     returning input_bytes $$,
    $$ values (0::bigint) $$,
    'leader of A: a file whose recorded metadata has no size counts 0');

reset role;
select set_config('request.jwt.claims', '', true);

-- Service tooling may repoint a waiting job; the new file is checked like a new input.
select throws_ok($$ update public.import_jobs set input_path = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/big.csv'
                    where input_path = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/missing.csv' $$,
    '23514', 'the uploaded file is too large: 200 MB for a Troop Advancement import (at most 128 MB)',
    'an update that points a job at another Storage file checks that file''s size');

select * from finish();
rollback;
