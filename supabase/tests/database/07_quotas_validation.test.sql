-- Quotas and validation at the door (migration 20261201000300): what a leader's browser gets
-- when an upload is too large, its options are misspelled or mistyped, its scout selection is
-- not a list of member ids, or its unit already has too much waiting. Every refusal is
-- check_violation (PostgREST: HTTP 400) with a sentence and a hint for the leader.
--
-- Clients go through PostgREST's path: set local role authenticated + request.jwt.claims.
-- Limits are lowered inside the transaction where a test needs it; everything rolls back.
--
-- Fixed ids:
--   units    A aaaaaaaa-…, B bbbbbbbb-…
--   users    10000000-…-000000000001 leader of A, …02 leader of B (profiles 20000000-…)
--   jobs     e0000000-…-000000000099 (failed, of A); the leader's jobs are found by idempotency_key

begin;
select plan(38);

-- Runs q and returns "<sqlstate> <message> | <hint>", or 'ok'.
create function pg_temp.outcome(q text) returns text
    language plpgsql
as $$
declare
    state text;
    msg text;
    hint text;
begin
    execute q;
    return 'ok';
exception when others then
    get stacked diagnostics state = returned_sqlstate, msg = message_text, hint = pg_exception_hint;
    return state || ' ' || msg || coalesce(' | ' || nullif(hint, ''), '');
end
$$;
grant execute on function pg_temp.outcome(text) to authenticated;

-- Fixtures (as postgres) ---------------------------------------------------------------------

insert into auth.users (id, email) values
    ('10000000-0000-4000-8000-000000000001', 'leader-a@example.org'),
    ('10000000-0000-4000-8000-000000000002', 'leader-b@example.org');
insert into public.profiles (id, user_id, email) values
    ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'leader-a@example.org'),
    ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000002', 'leader-b@example.org');
insert into public.units (id, name) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Troop A'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Troop B');
insert into public.unit_memberships (unit_id, profile_id, role, status) values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '20000000-0000-4000-8000-000000000001', 'leader', 'active'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000002', 'leader', 'active');
-- A failed job of A, retried below.
insert into public.import_jobs (id, unit_id, created_by, type, input_csv, status, completed_at, error_message)
values ('e0000000-0000-4000-8000-000000000099', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        '20000000-0000-4000-8000-000000000001', 'troop_advancement', 'csv', 'failed', now(), 'boom');

-- ============================================================================================
-- Defaults and schema
-- ============================================================================================

select results_eq($$ select max_pending_jobs_per_unit, max_unit_input_bytes, max_options_bytes
                     from import_private.import_limits $$,
    $$ values (20, 268435456::bigint, 2048) $$,
    'default quotas: 20 waiting jobs and 256 MB of input per unit, options up to 2 kB');
select results_eq($$ select type, max_input_bytes from import_private.import_job_types order by type $$,
    $$ values ('scout_history', 10485760::bigint), ('troop_advancement', 134217728::bigint) $$,
    'default input size limits: 10 MB for a history report, 128 MB for a troop export');
select results_eq($$ select option_types from import_private.import_job_types where type = 'troop_advancement' $$,
    $$ values ('{"dryRun": "boolean", "createUnmatchedScouts": "boolean", "strict": "boolean"}'::jsonb) $$,
    'troop options: dryRun, createUnmatchedScouts, strict (all boolean)');
select results_eq($$ select option_types from import_private.import_job_types where type = 'scout_history' $$,
    $$ values ('{"dryRun": "boolean", "scoutId": "uuid", "strict": "boolean"}'::jsonb) $$,
    'history options: dryRun, scoutId (a UUID), strict');
select has_column('public', 'import_jobs', 'input_bytes', 'import_jobs.input_bytes exists');
select is(has_column_privilege('authenticated', 'public.import_jobs', 'input_bytes', 'INSERT'), false,
    'clients cannot set input_bytes');
select is(has_table_privilege('authenticated', 'import_private.import_limits', 'SELECT')
          or has_table_privilege('authenticated', 'import_private.import_limits', 'UPDATE')
          or has_table_privilege('authenticated', 'import_private.import_job_types', 'UPDATE')
          or has_table_privilege('authenticated', 'import_private.unit_claims', 'SELECT')
          or has_table_privilege('anon', 'import_private.import_limits', 'SELECT'), false,
    'clients can neither read nor change the limits or the claim turns');

-- ============================================================================================
-- Leader of A: validation
-- ============================================================================================
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated"}', true);

select is(pg_temp.outcome($$ insert into public.import_jobs (idempotency_key, unit_id, type, input_csv, options, selected_scout_ids)
        values ('k1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement',
                'csv 1', '{"dryRun": true, "createUnmatchedScouts": false, "strict": null}', '["123456789"]') $$),
    'ok', 'a valid job with every troop option is accepted (null means not set)');
select is((select input_bytes from public.import_jobs where idempotency_key = 'k1'), 5::bigint,
    'input_bytes is the input''s size, set by the database');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '{"dry_run": true}') $$),
    '23514 options.dry_run is not an option of a Troop Advancement import (did you mean dryRun?); nothing was imported | The options of a Troop Advancement import are: createUnmatchedScouts, dryRun, strict. Remove or correct the unknown one.',
    'a misspelled option (dry_run) is refused with a suggestion, not run as a real import');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '{"DryRun": true}') $$),
    '23514 options.DryRun is not an option of a Troop Advancement import (did you mean dryRun?); nothing was imported | The options of a Troop Advancement import are: createUnmatchedScouts, dryRun, strict. Remove or correct the unknown one.',
    'option names are case-sensitive: DryRun is refused with a suggestion');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '{"scoutId": "3f1c2a9e-0b6d-4c8e-9a51-2d7e4b6f8c10"}') $$),
    '23514 options.scoutId is not an option of a Troop Advancement import; nothing was imported | The options of a Troop Advancement import are: createUnmatchedScouts, dryRun, strict. Remove or correct the unknown one.',
    'an option of another job type is refused');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '{"dryRun": "yes"}') $$),
    '23514 options.dryRun must be true or false, not "yes" | Send a JSON boolean, without quotes.',
    'a mistyped option is refused');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'scout_history', 'csv', '{"scoutId": "Jane Doe"}') $$),
    '23514 options.scoutId must be a scout id (a UUID such as 3f1c2a9e-0b6d-4c8e-9a51-2d7e4b6f8c10), not "Jane Doe" | Choose the scout in the app, or leave the option out.',
    'scoutId must be a UUID');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'scout_history', 'csv', '{"scoutId": 7}') $$),
    '23514 options.scoutId must be text, not 7 | Send a JSON string.',
    'scoutId must be a string');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'scout_history', 'csv',
                '{"dryRun": false, "scoutId": "3F1C2A9E-0B6D-4C8E-9A51-2D7E4B6F8C10", "strict": true}') $$),
    'ok', 'a valid history job with every option is accepted');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv',
                jsonb_build_object('dryRun', true, repeat('x', 3000), 1)) $$),
    '23514 the import options are too large (3023 bytes; at most 2048) | Send only the options the import understands.',
    'options are capped in size');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, options)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '[true]') $$),
    '23514 the import options must be a JSON object such as {"dryRun": true} | Send {} for no options.',
    'options must be an object');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, selected_scout_ids)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '[123456789]') $$),
    '23514 selected scout 123456789 is not a BSA member ID (expected text of up to 20 digits, e.g. "123456789") | List the BSA member IDs as text, e.g. ["123456789"].',
    'selected_scout_ids must hold member ids as text');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv, selected_scout_ids)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv', '["<script>"]') $$),
    '23514 selected scout "<script>" is not a BSA member ID (expected text of up to 20 digits, e.g. "123456789") | List the BSA member IDs as text, e.g. ["123456789"].',
    'selected_scout_ids must hold digits');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, staged_data)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', '[1, 2]') $$),
    '23514 the staged import data must be a JSON object with a "scouts" list | Upload the Scoutbook CSV export instead, or preview it again in the app.',
    'staged_data must be an object');

-- Size: lowered to 100 bytes for the test (as the owner would, with SQL).
reset role;
update import_private.import_job_types set max_input_bytes = 100 where type = 'troop_advancement';
set local role authenticated;
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', repeat('x', 101)) $$),
    '23514 the uploaded file is too large: 101 bytes for a Troop Advancement import (at most 100 bytes) | Export fewer scouts at a time (for example one patrol per file) and upload each file; check that it is the right export.',
    'an input over the type''s size limit is refused');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, staged_data)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement',
                jsonb_build_object('scouts', jsonb_build_array(repeat('x', 100)))) $$),
    '23514 the uploaded file is too large: 116 bytes for a Troop Advancement import (at most 100 bytes) | Export fewer scouts at a time (for example one patrol per file) and upload each file; check that it is the right export.',
    'staged_data is measured as JSON text against the same limit');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', repeat('x', 100)) $$),
    'ok', 'an input of exactly the limit is accepted');
reset role;
update import_private.import_job_types set max_input_bytes = 128 * 1024 * 1024 where type = 'troop_advancement';

-- ============================================================================================
-- Quotas
-- ============================================================================================
-- A has 3 waiting jobs now (01, the history job, the 100-byte one). Lower the cap to 4.
update import_private.import_limits set max_pending_jobs_per_unit = 4;
set local role authenticated;
select is(pg_temp.outcome($$ insert into public.import_jobs (idempotency_key, unit_id, type, input_csv)
        values ('k4', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv 4') $$),
    'ok', 'the 4th waiting job of a unit is accepted');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv 5') $$),
    '23514 this unit already has 4 imports waiting; wait for them to finish or cancel some | A unit may have at most 4 imports waiting at once.',
    'the 5th waiting job of a unit is refused with a message for the leader');
select is(pg_temp.outcome($$ select public.retry_import_job('e0000000-0000-4000-8000-000000000099') $$),
    '23514 this unit already has 4 imports waiting; wait for them to finish or cancel some | A unit may have at most 4 imports waiting at once.',
    'a retry counts as a waiting job: refused at the cap');
select is(pg_temp.outcome($$ select public.cancel_import_job((select id from public.import_jobs where idempotency_key = 'k4')) $$),
    'ok', 'the leader cancels a waiting job');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv 6') $$),
    'ok', 'after a cancel the unit has room again');

-- Unit B is not held back by A's queue.
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000002","role":"authenticated"}', true);
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv)
        values ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'troop_advancement', 'csv b') $$),
    'ok', 'another unit''s leader can still submit');
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'csv') $$),
    '42501 new row violates row-level security policy for table "import_jobs"',
    'the leader of B cannot fill A''s queue (RLS before quotas)');

-- Bytes: a running job's input counts too.
reset role;
update import_private.import_limits set max_pending_jobs_per_unit = 20, max_unit_input_bytes = 60;
update public.import_jobs set status = 'processing', lease_owner = 'w', lease_token = gen_random_uuid(),
    lease_expires_at = now() + interval '1 minute'
where idempotency_key = 'k1';
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"10000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
-- Held now: 5 (running) + 3 (history) + 100 (the 100-byte job) + 5 ("csv 6") = 113 bytes.
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, type, input_csv)
        values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'troop_advancement', 'abc') $$),
    '23514 this unit''s waiting and running imports already hold 113 bytes of files, and this one (3 bytes) would pass the limit of 60 bytes; wait for them to finish or cancel some | Imports finish one at a time per unit; upload the next file when one is done.',
    'the total input of a unit''s waiting and running jobs is capped');
reset role;
update import_private.import_limits set max_unit_input_bytes = 256 * 1024 * 1024;

-- ============================================================================================
-- Every writer is bound, and a multi-row insert counts its own rows
-- ============================================================================================
select set_config('request.jwt.claims', '', true);
update import_private.import_limits set max_pending_jobs_per_unit = 3;
select is(pg_temp.outcome($$ insert into public.import_jobs (unit_id, created_by, type, input_csv)
        select 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '20000000-0000-4000-8000-000000000002', 'troop_advancement', 'csv ' || g
        from generate_series(1, 5) g $$),
    '23514 this unit already has 3 imports waiting; wait for them to finish or cancel some | A unit may have at most 3 imports waiting at once.',
    'a bulk insert by a trusted role stops at the quota too (earlier rows of the statement count)');
select is((select count(*) from public.import_jobs where unit_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'), 1::bigint,
    'the refused bulk insert wrote nothing');
select is(pg_temp.outcome($$ update public.import_jobs set options = '{"dry_run": true}'
        where idempotency_key = 'k4' $$),
    '23514 options.dry_run is not an option of a Troop Advancement import (did you mean dryRun?); nothing was imported | The options of a Troop Advancement import are: createUnmatchedScouts, dryRun, strict. Remove or correct the unknown one.',
    'options changed later are checked too');
select is(pg_temp.outcome($$ update public.import_jobs set input_csv = null, staged_data = null, input_purged_at = now()
        where idempotency_key = 'k4' $$),
    'ok', 'the retention purge still empties inputs');
select is((select input_bytes from public.import_jobs where idempotency_key = 'k4'), 5::bigint,
    'a purged job keeps its recorded input size');
select is((select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'import_private'
             and p.proname = 'import_jobs_before_write'
             and 'search_path=""' = any(p.proconfig)), 1::bigint,
    'the checks'' trigger function pins search_path');

select * from finish();
rollback;
