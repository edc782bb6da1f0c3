-- One trigger function on each side of a job's insert, instead of three before it and two after.
--
-- A troop's upload is one insert, and its pickup time (insert -> claimed by a worker) starts
-- with that insert's round trip. Each trigger call has a fixed cost (a function call through
-- the SET-clause path, which every function here takes for its pinned search_path, and for a
-- statement trigger a transition table) that on a server idling between uploads is a large part
-- of the insert: one insert every 250 ms, fsync on, the median insert took 2.76 ms with every
-- trigger and 1.80 ms with none; without import_jobs_before_insert alone (which only read the
-- JWT) it took 2.55 ms, without the turns' statement trigger 2.55 ms, without the NOTIFY one
-- 2.72 ms (6 interleaved rounds of 16 inserts).
--
-- BEFORE INSERT: import_jobs_before_insert now runs import_private.import_jobs_before_write()
-- (import_jobs_check_limits, renamed; the update triggers that ran it keep running it). On an
-- insert it also
--   * sets created_by from the JWT (was the function import_jobs_before_insert), reading the
--     caller's profile directly instead of through current_profile_id(), and auth.uid() once;
--   * words a missing, doubled or out-of-folder input, on inserts and on the updates that
--     change an input or the unit (was import_jobs_check_input, dropped with its trigger: the
--     update trigger import_jobs_check_inputs now also fires on input_path and unit_id).
-- Its checks and their messages are unchanged. Two became cheaper: the options loop and the
-- selected scouts' loop run only when there is something to loop over, and the quota reads the
-- unit's waiting and running jobs in one statement.
--
-- Order: created_by, then the input's wording, then the checks as before. When an insert breaks
-- two rules, the more basic one (no profile, not exactly one input) is the one reported.
--
-- AFTER INSERT: import_jobs_notify_insert now runs import_private.import_jobs_after_insert()
-- (unit_turns_after_insert, renamed), which marks the units' turns and sends the NOTIFY (was the
-- function notify_import_jobs_inserted, dropped with the trigger import_jobs_unit_turns_insert).

alter function import_private.import_jobs_check_limits() rename to import_jobs_before_write;

create or replace function import_private.import_jobs_before_write() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
declare
    uid uuid := auth.uid();
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
    if tg_op = 'INSERT' then
        -- created_by from the JWT: a client cannot name another profile (the column is not
        -- granted either); a call without JWT claims (the worker, service tooling) must name it
        -- itself.
        if uid is not null then
            select p.id into new.created_by from public.profiles p where p.user_id = uid;
            if new.created_by is null then
                raise exception 'no profile is linked to the signed-in user, so the import job cannot be created'
                    using errcode = '42501',
                          hint = 'Ask a unit admin to link your login to your profile.';
            end if;
        end if;
    end if;

    -- Exactly one input, and a Storage file in the unit's own folder. The constraints
    -- import_jobs_one_input_check and import_jobs_input_path_check are the guarantee; these
    -- words say what is wrong before a constraint would name itself.
    if num_nonnulls(new.staged_data, new.input_csv, new.input_path) <> 1 and new.input_purged_at is null then
        raise exception 'an import job needs exactly one input: input_path (a file uploaded to Storage), input_csv or staged_data'
            using errcode = '23514';
    end if;
    if new.input_path is not null
       and import_private.import_path_unit(new.input_path) is distinct from new.unit_id then
        raise exception 'input_path "%" is not a file in the unit''s folder: upload the export to imports/%/<file name> and use that path', new.input_path, new.unit_id
            using errcode = '23514';
    end if;

    -- A client who may not write to this unit is refused by RLS after this trigger: tell them
    -- nothing about the unit's queue.
    if uid is not null and not import_private.is_unit_leader(new.unit_id) then
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
        -- Most jobs send no option: the loop (a query) runs only when there is one.
        if new.options <> '{}'::jsonb then
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
        end if;

        -- selected_scout_ids: a short list of BSA member ids (text of digits, as in the export).
        if new.selected_scout_ids is not null and jsonb_typeof(new.selected_scout_ids) = 'array' then
            n := jsonb_array_length(new.selected_scout_ids);
            if n > limits.max_selected_scouts then
                raise exception 'too many scouts selected (%; at most %)', n, limits.max_selected_scouts
                    using errcode = 'check_violation',
                          hint = 'Select no scout to import everyone in the file.';
            end if;
            if n > 0 then
                for item in select value from jsonb_array_elements(new.selected_scout_ids) loop
                    if jsonb_typeof(item) <> 'string' or (item #>> '{}') !~ '^[0-9]{1,20}$' then
                        raise exception 'selected scout % is not a BSA member ID (expected text of up to 20 digits, e.g. "123456789")',
                                left(item::text, 60)
                            using errcode = 'check_violation',
                                  hint = 'List the BSA member IDs as text, e.g. ["123456789"].';
                    end if;
                end loop;
            end if;
        end if;
    end;

    -- The unit's quotas: waiting jobs, and bytes held by waiting and running jobs. Serialised per
    -- unit with a transaction-level advisory lock, so two concurrent inserts cannot both take the
    -- last place.
    if check_quota then
        perform pg_advisory_xact_lock(hashtextextended('import_jobs quota ' || new.unit_id::text, 0));
        -- Sees the rows inserted earlier by the same statement (a multi-row insert counts them).
        -- One statement; each status is read through its own partial index (the running job in
        -- a scalar subquery).
        select count(*),
               coalesce(sum(j.input_bytes), 0),
               (
                   select coalesce(sum(r.input_bytes), 0)
                   from public.import_jobs r
                   where r.unit_id = new.unit_id
                     and r.status = 'processing'
               )
        into waiting, waiting_bytes, running_bytes
        from public.import_jobs j
        where j.unit_id = new.unit_id
          and j.status = 'pending';
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
comment on function import_private.import_jobs_before_write() is
    'BEFORE INSERT/UPDATE on import_jobs: created_by from the JWT (insert), the input''s wording, input size, options schema and per-unit quotas, with messages for the leader.';
revoke all on function import_private.import_jobs_before_write() from public;

drop trigger if exists import_jobs_a_check_limits on public.import_jobs;
drop trigger if exists import_jobs_before_insert on public.import_jobs;
create trigger import_jobs_before_insert
    before insert on public.import_jobs
    for each row execute function import_private.import_jobs_before_write();
drop function if exists import_private.import_jobs_before_insert();

drop trigger if exists import_jobs_check_input on public.import_jobs;
drop function if exists import_private.import_jobs_check_input();
drop trigger if exists import_jobs_check_inputs on public.import_jobs;
create trigger import_jobs_check_inputs
    before update of input_csv, staged_data, options, selected_scout_ids, input_path, unit_id
    on public.import_jobs
    for each row execute function import_private.import_jobs_before_write();

alter function import_private.unit_turns_after_insert() rename to import_jobs_after_insert;

-- New pending jobs: their units wait for a turn, and the workers are woken.
--
-- Turns: a multi-row insert makes one upsert (in unit_id order). The update always happens, even
-- when the unit was already waiting, so that the row stays locked until the inserting
-- transaction ends (see Races in 20261201001000_queue_unit_turns.sql).
--
-- Wake-up: one NOTIFY per inserting statement. The payload is the job id when one job was
-- inserted (the browser's case) and empty for a multi-row insert ("look at the queue"), so a
-- bulk insert never sends thousands of notifications. Notifications are a hint only: the
-- worker also polls.
create or replace function import_private.import_jobs_after_insert() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
declare
    inserted_count integer;
    only_id uuid;
begin
    insert into import_private.unit_claims as c (unit_id, waiting, waiting_since)
    select distinct i.unit_id, true, now()
    from inserted_jobs i
    where i.status = 'pending'
    order by i.unit_id
    on conflict (unit_id) do update
        set waiting = true,
            waiting_since = case when c.waiting then c.waiting_since else excluded.waiting_since end;

    select count(*), min(id::text)::uuid into inserted_count, only_id
    from (select id from inserted_jobs where status = 'pending' limit 2) first_two;
    if inserted_count = 1 then
        perform pg_notify('import_jobs', only_id::text);
    elsif inserted_count > 1 then
        perform pg_notify('import_jobs', '');
    end if;
    return null;
end
$$;
comment on function import_private.import_jobs_after_insert() is
    'AFTER INSERT (statement) on import_jobs: the units of new pending jobs wait for a turn; NOTIFY import_jobs with the new job id (or an empty payload for a multi-row insert).';
revoke all on function import_private.import_jobs_after_insert() from public;

drop trigger if exists import_jobs_unit_turns_insert on public.import_jobs;
drop trigger if exists import_jobs_notify_insert on public.import_jobs;
create trigger import_jobs_notify_insert
    after insert on public.import_jobs
    referencing new table as inserted_jobs
    for each statement execute function import_private.import_jobs_after_insert();
drop function if exists import_private.notify_import_jobs_inserted();
