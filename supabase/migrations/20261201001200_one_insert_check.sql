-- A job's insert checks run in one function call instead of three, and the quota reads the
-- claim's indexes instead of an index of its own.
--
-- 1. One function call.
--
-- import_jobs_check_limits (BEFORE INSERT, and BEFORE UPDATE where an input or a retry needs
-- it) called two helpers, check_import_job_input and check_unit_quota. Each helper pins its
-- search_path, so each call went through PostgreSQL's SET-clause call path, which on a server
-- that idles between inserts (a troop uploads a file now and then) costs more than the checks:
-- one insert at a time at about 4 per second, with fsync on, the median insert took 2.55 ms
-- with the checks inlined against 2.66 ms with the helpers (8 interleaved rounds). The checks,
-- their order and their messages are unchanged; they are now the trigger function's own body,
-- and the helpers, which nothing else called, are dropped.
--
-- 2. The quota reads the claim's indexes.
--
-- A claim and a completion each change status, which partial indexes name, so neither can be a
-- HOT update: each writes a new entry into every index whose predicate the new row meets. A
-- claim (pending -> processing) wrote five, one of them into import_jobs_unit_unfinished_idx,
-- which only the quota check of an insert read. `make bench` measured index maintenance as the
-- largest part of the claim's cost (without three of the table's indexes the queue ran 28%
-- more no-op jobs per second). The quota now reads a unit's waiting jobs through
-- import_jobs_unit_pending_idx (the claim's index) and its running job through
-- import_jobs_one_running_per_unit_key (at most one row): probes on unit_id, bounded by
-- import_limits.max_pending_jobs_per_unit, whatever the unit's history. That index is dropped.
--
-- The trigger function runs as its owner (security definer): it counts every job of the unit,
-- whatever the caller may see, and reads the limits, which clients cannot.

create or replace function import_private.import_jobs_check_limits() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
declare
    check_input boolean;
    check_quota boolean;
    limits import_private.import_limits;
    jt import_private.import_job_types;
    opt record;
    want text;
    allowed text;
    suggestion text;
    n integer;
    item jsonb;
    waiting integer;
    waiting_bytes bigint;
    running_bytes bigint;
    held bigint;
begin
    -- A client who may not write to this unit is refused by RLS after this trigger: tell them
    -- nothing about the unit's queue.
    if auth.uid() is not null and not import_private.is_unit_leader(new.unit_id) then
        return new;
    end if;

    if tg_op = 'INSERT' then
        check_input := true;
        check_quota := new.status = 'pending';
    else
        -- An update checks the inputs when a statement changes them (the purge empties them:
        -- the recorded size is kept), and the quota when a finished job is retried (it waits
        -- again).
        check_input := (new.input_csv is distinct from old.input_csv
                        or new.staged_data is distinct from old.staged_data
                        or new.options is distinct from old.options
                        or new.selected_scout_ids is distinct from old.selected_scout_ids)
                       and num_nonnulls(new.input_csv, new.staged_data) > 0;
        check_quota := new.status = 'pending' and old.status in ('completed', 'failed', 'cancelled');
    end if;
    if not (check_input or check_quota) then
        return new;
    end if;
    select * into limits from import_private.import_limits where singleton;

    -- Inputs and options, against the job's type. Refuses with a sentence for the leader.
    <<inputs>>
    begin
        exit inputs when not check_input;
        -- The input's size is recorded; the input itself is never copied.
        new.input_bytes := coalesce(octet_length(new.input_csv), 0) + coalesce(octet_length(new.staged_data::text), 0);
        select * into jt from import_private.import_job_types t where t.type = new.type;
        -- import_jobs_type_check names the accepted types; nothing more to check here.
        exit inputs when jt.type is null;

        if new.input_bytes > jt.max_input_bytes then
            raise exception 'the uploaded file is too large: % for a % (at most %)',
                    pg_size_pretty(new.input_bytes), jt.label, pg_size_pretty(jt.max_input_bytes)
                using errcode = 'check_violation', hint = jt.too_large_hint;
        end if;
        if new.staged_data is not null and jsonb_typeof(new.staged_data) <> 'object' then
            raise exception 'the staged import data must be a JSON object with a "scouts" list'
                using errcode = 'check_violation',
                      hint = 'Upload the Scoutbook CSV export instead, or preview it again in the app.';
        end if;

        -- Options: a small object whose keys are the type's options, with the right JSON types.
        if new.options is null or jsonb_typeof(new.options) <> 'object' then
            raise exception 'the import options must be a JSON object such as {"dryRun": true}'
                using errcode = 'check_violation',
                      hint = 'Send {} for no options.';
        end if;
        if octet_length(new.options::text) > limits.max_options_bytes then
            raise exception 'the import options are too large (% bytes; at most %)',
                    octet_length(new.options::text), limits.max_options_bytes
                using errcode = 'check_violation',
                      hint = 'Send only the options the import understands.';
        end if;
        for opt in select key, value from jsonb_each(new.options) loop
            want := jt.option_types ->> opt.key;
            if want is null then
                -- A near miss ("dry_run", "DryRun") gets a suggestion.
                select k into suggestion
                from jsonb_object_keys(jt.option_types) k
                where lower(replace(replace(k, '_', ''), '-', '')) = lower(replace(replace(opt.key, '_', ''), '-', ''))
                limit 1;
                select string_agg(k, ', ' order by k) into allowed from jsonb_object_keys(jt.option_types) k;
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
        if new.selected_scout_ids is not null and jsonb_typeof(new.selected_scout_ids) = 'array' then
            n := jsonb_array_length(new.selected_scout_ids);
            if n > limits.max_selected_scouts then
                raise exception 'too many scouts selected (%; at most %)', n, limits.max_selected_scouts
                    using errcode = 'check_violation',
                          hint = 'Select no scout to import everyone in the file.';
            end if;
            for item in select value from jsonb_array_elements(new.selected_scout_ids) loop
                if jsonb_typeof(item) <> 'string' or (item #>> '{}') !~ '^[0-9]{1,20}$' then
                    raise exception 'selected scout % is not a BSA member ID (expected text of up to 20 digits, e.g. "123456789")',
                            left(item::text, 60)
                        using errcode = 'check_violation',
                              hint = 'List the BSA member IDs as text, e.g. ["123456789"].';
                end if;
            end loop;
        end if;
    end;

    -- The unit's quotas: waiting jobs, and bytes held by waiting and running jobs. Serialised per
    -- unit with a transaction-level advisory lock, so two concurrent inserts cannot both take the
    -- last place.
    if check_quota then
        perform pg_advisory_xact_lock(hashtextextended('import_jobs quota ' || new.unit_id::text, 0));
        -- Sees the rows inserted earlier by the same statement (a multi-row insert counts them).
        -- One statement per status, so each is a probe of that status's partial index.
        select count(*), coalesce(sum(j.input_bytes), 0)
        into waiting, waiting_bytes
        from public.import_jobs j
        where j.unit_id = new.unit_id
          and j.status = 'pending';
        select coalesce(sum(j.input_bytes), 0)
        into running_bytes
        from public.import_jobs j
        where j.unit_id = new.unit_id
          and j.status = 'processing';
        held := waiting_bytes + running_bytes;
        if waiting >= limits.max_pending_jobs_per_unit then
            raise exception 'this unit already has % imports waiting; wait for them to finish or cancel some', waiting
                using errcode = 'check_violation',
                      hint = format('A unit may have at most %s imports waiting at once.', limits.max_pending_jobs_per_unit);
        end if;
        if held + coalesce(new.input_bytes, 0) > limits.max_unit_input_bytes then
            raise exception 'this unit''s waiting and running imports already hold % of files, and this one (%) would pass the limit of %; wait for them to finish or cancel some',
                    pg_size_pretty(held), pg_size_pretty(coalesce(new.input_bytes, 0)), pg_size_pretty(limits.max_unit_input_bytes)
                using errcode = 'check_violation',
                      hint = 'Imports finish one at a time per unit; upload the next file when one is done.';
        end if;
    end if;
    return new;
end
$$;
comment on function import_private.import_jobs_check_limits() is
    'BEFORE INSERT/UPDATE on import_jobs: input size, options schema and per-unit quotas, with messages for the leader.';
revoke all on function import_private.import_jobs_check_limits() from public;

drop function if exists import_private.check_import_job_input(text, bigint, text, jsonb, jsonb);
drop function if exists import_private.check_unit_quota(uuid, bigint);

drop index if exists public.import_jobs_unit_unfinished_idx;
