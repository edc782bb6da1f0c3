-- Quotas, fairness and validation at the door for import_jobs.
--
-- A leader's upload is checked by the database when the row is inserted, before any worker
-- sees it, so a hostile or careless client cannot queue unbounded work:
--   * per job: the input (input_csv, or staged_data as text) is at most the job type's size,
--     options match the job type's option list (names and types; a misspelled key such as
--     "dry_run" is refused rather than silently ignored) and are small, selected_scout_ids is a
--     short list of BSA member ids;
--   * per unit: at most N jobs waiting (pending), and at most M bytes of input in its waiting
--     and running jobs together (a retry of a failed job counts as a new waiting job).
-- Errors are raised with ERRCODE check_violation (PostgREST answers HTTP 400 and passes message
-- and hint to supabase-js) and read as a sentence for the leader.
--
-- The limits live in two small tables in import_private, editable by the project owner
-- (SQL editor or psql as postgres), never by clients:
--   update import_private.import_limits set max_pending_jobs_per_unit = 50;
--   update import_private.import_job_types set max_input_bytes = 256 * 1024 * 1024
--       where type = 'troop_advancement';
--
-- Fairness: import_private.unit_claims remembers when each unit was last served; the claim
-- (sql/queries/claim_job.sql) takes the least recently served unit's oldest job, so units
-- take turns and one unit's backlog never holds another unit's next job back by more than
-- one job's run time.

-- Settings -------------------------------------------------------------------------------------

create table if not exists import_private.import_limits (
    singleton boolean primary key default true,
    max_pending_jobs_per_unit integer not null default 20,
    max_unit_input_bytes bigint not null default 256 * 1024 * 1024,
    max_options_bytes integer not null default 2048,
    max_selected_scouts integer not null default 2000,
    updated_at timestamptz not null default now(),
    constraint import_limits_singleton_check check (singleton),
    constraint import_limits_positive_check check (
        max_pending_jobs_per_unit > 0 and max_unit_input_bytes > 0
        and max_options_bytes > 0 and max_selected_scouts > 0)
);
insert into import_private.import_limits default values on conflict (singleton) do nothing;
comment on table import_private.import_limits is
    'The import service''s per-unit quotas and input limits (one row). Edit with SQL as the project owner.';
comment on column import_private.import_limits.singleton is 'Always true: the table has exactly one row.';
comment on column import_private.import_limits.max_pending_jobs_per_unit is 'Jobs a unit may have waiting (pending) at once.';
comment on column import_private.import_limits.max_unit_input_bytes is 'Input bytes a unit may have in its waiting and running jobs together.';
comment on column import_private.import_limits.max_options_bytes is 'Largest import_jobs.options, as JSON text.';
comment on column import_private.import_limits.max_selected_scouts is 'Most BSA member ids in import_jobs.selected_scout_ids.';
comment on column import_private.import_limits.updated_at is 'When the limits were last changed (informational).';

-- One row per job type: the largest input and the options the worker understands, each with
-- its JSON type ("boolean", "string", or "uuid": a string holding a UUID). null is accepted
-- for every option and means "not set" (the worker's default).
create table if not exists import_private.import_job_types (
    type text primary key,
    label text not null,
    max_input_bytes bigint not null,
    too_large_hint text not null,
    option_types jsonb not null,
    constraint import_job_types_max_input_check check (max_input_bytes > 0),
    constraint import_job_types_option_types_check check (jsonb_typeof(option_types) = 'object')
);
insert into import_private.import_job_types (type, label, max_input_bytes, too_large_hint, option_types) values
    -- A real troop export is about 0.2 MB per scout (10 MB for 55 scouts); 128 MB leaves room
    -- for the largest troops and the 10x benchmark export (105 MB).
    ('troop_advancement', 'Troop Advancement import', 128 * 1024 * 1024,
     'Export fewer scouts at a time (for example one patrol per file) and upload each file; check that it is the right export.',
     '{"dryRun": "boolean", "createUnmatchedScouts": "boolean", "strict": "boolean"}'),
    -- One scout's history report; the parser refuses more than 10 MB as well.
    ('scout_history', 'scout history import', 10 * 1024 * 1024,
     'One scout''s history report is a few kilobytes: check that it is the right file.',
     '{"dryRun": "boolean", "scoutId": "uuid", "strict": "boolean"}')
on conflict (type) do nothing;
comment on table import_private.import_job_types is
    'Per job type: the largest input accepted and the options schema (option name -> boolean, string or uuid). Checked when a job is inserted.';
comment on column import_private.import_job_types.type is 'import_jobs.type.';
comment on column import_private.import_job_types.label is 'How messages name the job type.';
comment on column import_private.import_job_types.max_input_bytes is 'Largest input_csv (or staged_data as JSON text), in bytes.';
comment on column import_private.import_job_types.too_large_hint is 'Hint shown with the too-large error.';
comment on column import_private.import_job_types.option_types is 'Allowed option names with their JSON type: boolean, string or uuid.';

-- Fairness: when each unit last had a job claimed.
create table if not exists import_private.unit_claims (
    unit_id uuid primary key references public.units (id) on delete cascade,
    last_claimed_at timestamptz not null
);
comment on table import_private.unit_claims is
    'When a worker last claimed a job of each unit; the claim serves the least recently served unit first (round robin).';
comment on column import_private.unit_claims.unit_id is 'The unit.';
comment on column import_private.unit_claims.last_claimed_at is 'Time of the unit''s latest claim.';

-- Nobody but the owner touches these tables (and the worker role unit_claims, granted in
-- 20261201000900). RLS on: no policy means no client row.
alter table import_private.import_limits enable row level security;
alter table import_private.import_job_types enable row level security;
alter table import_private.unit_claims enable row level security;
revoke all on import_private.import_limits, import_private.import_job_types, import_private.unit_claims
    from public, anon, authenticated;

-- Input size, kept on the row --------------------------------------------------------------------

alter table public.import_jobs add column if not exists input_bytes bigint;
comment on column public.import_jobs.input_bytes is
    'Size of the job''s input in bytes (input_csv, or staged_data as JSON text), set by the database at insert; counts toward the unit''s quota while the job waits or runs.';

-- The quota check counts a unit's waiting and running jobs; the claim reads pending jobs.
create index if not exists import_jobs_unit_unfinished_idx
    on public.import_jobs (unit_id)
    include (input_bytes)
    where status in ('pending', 'processing');

-- Existing rows get their size once (the app's database may already hold jobs).
update public.import_jobs
set input_bytes = coalesce(octet_length(input_csv), 0) + coalesce(octet_length(staged_data::text), 0)
where input_bytes is null and input_purged_at is null;

-- Validation ---------------------------------------------------------------------------------------

-- Checks one job's inputs and options against its type; raises check_violation with a
-- sentence for the leader. Takes the input's size, not the input: a 100 MB value is never
-- copied into the function.
create or replace function import_private.check_import_job_input(
        j_type text, bytes bigint, staged_type text, options jsonb, selected_scout_ids jsonb)
    returns void
    language plpgsql
    stable
    set search_path = ''
as $$
declare
    limits import_private.import_limits;
    jt import_private.import_job_types;
    opt record;
    want text;
    allowed text;
    suggestion text;
    n integer;
    item jsonb;
begin
    select * into limits from import_private.import_limits where singleton;
    select * into jt from import_private.import_job_types t where t.type = j_type;
    if jt.type is null then
        -- import_jobs_type_check names the accepted types; nothing more to check here.
        return;
    end if;

    -- Size of the input.
    if bytes > jt.max_input_bytes then
        raise exception 'the uploaded file is too large: % for a % (at most %)',
                pg_size_pretty(bytes), jt.label, pg_size_pretty(jt.max_input_bytes)
            using errcode = 'check_violation', hint = jt.too_large_hint;
    end if;
    if staged_type is not null and staged_type <> 'object' then
        raise exception 'the staged import data must be a JSON object with a "scouts" list'
            using errcode = 'check_violation',
                  hint = 'Upload the Scoutbook CSV export instead, or preview it again in the app.';
    end if;

    -- Options: a small object whose keys are the type's options, with the right JSON types.
    if options is null or jsonb_typeof(options) <> 'object' then
        raise exception 'the import options must be a JSON object such as {"dryRun": true}'
            using errcode = 'check_violation',
                  hint = 'Send {} for no options.';
    end if;
    if octet_length(options::text) > limits.max_options_bytes then
        raise exception 'the import options are too large (% bytes; at most %)',
                octet_length(options::text), limits.max_options_bytes
            using errcode = 'check_violation',
                  hint = 'Send only the options the import understands.';
    end if;
    select string_agg(k, ', ' order by k) into allowed from jsonb_object_keys(jt.option_types) k;
    for opt in select key, value from jsonb_each(options) loop
        want := jt.option_types ->> opt.key;
        if want is null then
            -- A near miss ("dry_run", "DryRun") gets a suggestion.
            select k into suggestion
            from jsonb_object_keys(jt.option_types) k
            where lower(replace(replace(k, '_', ''), '-', '')) = lower(replace(replace(opt.key, '_', ''), '-', ''))
            limit 1;
            raise exception using
                message = format('options.%s is not an option of a %s%s; nothing was imported',
                                 left(opt.key, 60), jt.label,
                                 case when suggestion is not null then format(' (did you mean %s?)', suggestion) else '' end),
                errcode = 'check_violation',
                hint = format('The options of a %s are: %s. Remove or correct the unknown one.', jt.label, allowed);
        end if;
        continue when jsonb_typeof(opt.value) = 'null';
        if want = 'boolean' and jsonb_typeof(opt.value) <> 'boolean' then
            raise exception 'options.% must be true or false, not %', opt.key, left(opt.value::text, 60)
                using errcode = 'check_violation', hint = 'Send a JSON boolean, without quotes.';
        elsif want in ('string', 'uuid') and jsonb_typeof(opt.value) <> 'string' then
            raise exception 'options.% must be text, not %', opt.key, left(opt.value::text, 60)
                using errcode = 'check_violation', hint = 'Send a JSON string.';
        elsif want = 'uuid'
              and (opt.value #>> '{}') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
            raise exception 'options.% must be a scout id (a UUID such as 3f1c2a9e-0b6d-4c8e-9a51-2d7e4b6f8c10), not %',
                    opt.key, left(opt.value::text, 60)
                using errcode = 'check_violation', hint = 'Choose the scout in the app, or leave the option out.';
        end if;
    end loop;

    -- selected_scout_ids: a short list of BSA member ids (text of digits, as in the export).
    if selected_scout_ids is not null and jsonb_typeof(selected_scout_ids) = 'array' then
        n := jsonb_array_length(selected_scout_ids);
        if n > limits.max_selected_scouts then
            raise exception 'too many scouts selected (%; at most %)', n, limits.max_selected_scouts
                using errcode = 'check_violation',
                      hint = 'Select no scout to import everyone in the file.';
        end if;
        for item in select value from jsonb_array_elements(selected_scout_ids) loop
            if jsonb_typeof(item) <> 'string' or (item #>> '{}') !~ '^[0-9]{1,20}$' then
                raise exception 'selected scout % is not a BSA member ID (expected text of up to 20 digits, e.g. "123456789")',
                        left(item::text, 60)
                    using errcode = 'check_violation',
                          hint = 'List the BSA member IDs as text, e.g. ["123456789"].';
            end if;
        end loop;
    end if;
end
$$;
comment on function import_private.check_import_job_input(text, bigint, text, jsonb, jsonb) is
    'Validates a job''s input size, options and selected_scout_ids against its type (import_private.import_job_types).';

-- Refuses a job that would take its unit past its quotas. Serialised per unit with a
-- transaction-level advisory lock, so two concurrent inserts cannot both take the last place.
create or replace function import_private.check_unit_quota(p_unit_id uuid, p_new_bytes bigint)
    returns void
    language plpgsql
    volatile
    set search_path = ''
as $$
declare
    limits import_private.import_limits;
    waiting integer;
    held bigint;
begin
    perform pg_advisory_xact_lock(hashtextextended('import_jobs quota ' || p_unit_id::text, 0));
    select * into limits from import_private.import_limits where singleton;
    -- Sees the rows inserted earlier by the same statement (a multi-row insert counts them).
    select count(*) filter (where j.status = 'pending'), coalesce(sum(j.input_bytes), 0)
    into waiting, held
    from public.import_jobs j
    where j.unit_id = p_unit_id
      and j.status in ('pending', 'processing');
    if waiting >= limits.max_pending_jobs_per_unit then
        raise exception 'this unit already has % imports waiting; wait for them to finish or cancel some', waiting
            using errcode = 'check_violation',
                  hint = format('A unit may have at most %s imports waiting at once.', limits.max_pending_jobs_per_unit);
    end if;
    if held + coalesce(p_new_bytes, 0) > limits.max_unit_input_bytes then
        raise exception 'this unit''s waiting and running imports already hold % of files, and this one (%) would pass the limit of %; wait for them to finish or cancel some',
                pg_size_pretty(held), pg_size_pretty(coalesce(p_new_bytes, 0)), pg_size_pretty(limits.max_unit_input_bytes)
            using errcode = 'check_violation',
                  hint = 'Imports finish one at a time per unit; upload the next file when one is done.';
    end if;
end
$$;
comment on function import_private.check_unit_quota(uuid, bigint) is
    'Raises check_violation when a unit already has the most waiting jobs, or its waiting and running jobs hold the most input bytes, that import_private.import_limits allows.';

-- Trigger: validation and quotas on insert; validation again when the worker-side columns
-- change input or options; the quota again when a finished job is retried (it waits again).
-- Security definer (owner postgres): counts every job of the unit whatever the caller sees,
-- and reads the limits, which clients cannot.
create or replace function import_private.import_jobs_check_limits() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
begin
    -- A client who may not write to this unit is refused by RLS after this trigger: tell them
    -- nothing about the unit's queue.
    if auth.uid() is not null and not import_private.is_unit_leader(new.unit_id) then
        return new;
    end if;
    if tg_op = 'INSERT' then
        new.input_bytes := coalesce(octet_length(new.input_csv), 0) + coalesce(octet_length(new.staged_data::text), 0);
        perform import_private.check_import_job_input(new.type, new.input_bytes, jsonb_typeof(new.staged_data),
                                                      new.options, new.selected_scout_ids);
        if new.status = 'pending' then
            perform import_private.check_unit_quota(new.unit_id, new.input_bytes);
        end if;
        return new;
    end if;

    -- UPDATE. The purge empties the inputs: keep the recorded size.
    if (new.input_csv is distinct from old.input_csv or new.staged_data is distinct from old.staged_data
        or new.options is distinct from old.options or new.selected_scout_ids is distinct from old.selected_scout_ids)
       and num_nonnulls(new.input_csv, new.staged_data) > 0 then
        new.input_bytes := coalesce(octet_length(new.input_csv), 0) + coalesce(octet_length(new.staged_data::text), 0);
        perform import_private.check_import_job_input(new.type, new.input_bytes, jsonb_typeof(new.staged_data),
                                                      new.options, new.selected_scout_ids);
    end if;
    if new.status = 'pending' and old.status in ('completed', 'failed', 'cancelled') then
        perform import_private.check_unit_quota(new.unit_id, new.input_bytes);
    end if;
    return new;
end
$$;
comment on function import_private.import_jobs_check_limits() is
    'BEFORE INSERT/UPDATE on import_jobs: input size, options schema and per-unit quotas, with messages for the leader.';

-- Triggers of one event fire in name order. On INSERT this one fires first
-- ("import_jobs_a..."), so an oversized upload is refused before any other work on its row;
-- on UPDATE it fires after import_jobs_before_update, so a retry is checked with its final
-- status.
drop trigger if exists import_jobs_a_check_limits on public.import_jobs;
create trigger import_jobs_a_check_limits
    before insert
    on public.import_jobs
    for each row execute function import_private.import_jobs_check_limits();
-- On UPDATE it runs only where it has something to check, so the worker's own status changes
-- (claim, completion: many rows per statement) do not pay for it: a job going back to pending
-- (a retry; the WHEN sees the status import_jobs_before_update has just set), and a statement
-- that names an input or option column (clients may not; the purge empties the inputs).
drop trigger if exists import_jobs_check_limits on public.import_jobs;
create trigger import_jobs_check_limits
    before update of status, retry_requested_at
    on public.import_jobs
    for each row
    when (new.status = 'pending' and old.status in ('completed', 'failed', 'cancelled'))
    execute function import_private.import_jobs_check_limits();
drop trigger if exists import_jobs_check_inputs on public.import_jobs;
create trigger import_jobs_check_inputs
    before update of input_csv, staged_data, options, selected_scout_ids
    on public.import_jobs
    for each row execute function import_private.import_jobs_check_limits();

revoke all on function import_private.check_import_job_input(text, bigint, text, jsonb, jsonb) from public;
revoke all on function import_private.check_unit_quota(uuid, bigint) from public;
revoke all on function import_private.import_jobs_check_limits() from public;
