-- A file uploaded to Storage counts in the input limits like an input sent in the row.
--
-- Before: input_bytes was the size of input_csv or staged_data, and 0 for a job whose input is
-- a Storage file (input_path). Such a job passed the per-type size limit at the door (the worker
-- refused an oversized file only once it ran) and held nothing against the unit's byte quota, so
-- a unit could queue twenty 300 MiB files (the bucket's limit) while the quota said 256 MB.
--
-- Now import_private.import_jobs_before_write() reads the file's size from its row in
-- storage.objects (metadata.size, which the Storage service writes when the upload completes;
-- clients cannot change it: storage.objects has no update policy) and records it in input_bytes.
-- So a Storage file
--   * is refused at the insert when it is over its type's max_input_bytes, with the same
--     message as an input sent in the row ("the uploaded file is too large: ...");
--   * counts in the unit's bytes of waiting and running jobs.
-- A path with no file yet counts 0, as before: the worker fails such a job with a message saying
-- the file is missing. An update that changes input_path is checked again, like one that
-- changes input_csv.
--
-- The function runs as its owner (postgres, BYPASSRLS on Supabase), so it reads the object's
-- row whoever inserts the job; it reads one row, through the unique index on (bucket_id, name).

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
    stored_bytes bigint;
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
                        or new.input_path is distinct from old.input_path
                        or new.options is distinct from old.options
                        or new.selected_scout_ids is distinct from old.selected_scout_ids)
                       and num_nonnulls(new.input_csv, new.staged_data, new.input_path) > 0;
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
        -- The input's size is recorded; the input itself is never copied. A file in Storage
        -- counts with the size Storage recorded when it was uploaded (its row in
        -- storage.objects, written by the Storage service, not by the client); while no file is
        -- at the path it counts 0, and the worker reports the missing file.
        new.input_bytes := coalesce(octet_length(new.input_csv), 0) + coalesce(octet_length(new.staged_data::text), 0);
        if new.input_path is not null then
            select case when jsonb_typeof(o.metadata -> 'size') = 'number'
                        then least(greatest((o.metadata ->> 'size')::numeric, 0), 9223372036854775807)::bigint
                   end
            into stored_bytes
            from storage.objects o
            where o.bucket_id = 'imports'
              and o.name = new.input_path;
            new.input_bytes := new.input_bytes + coalesce(stored_bytes, 0);
        end if;
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
    'BEFORE INSERT/UPDATE on import_jobs: created_by from the JWT (insert), the input''s wording, input size (a Storage file''s as Storage recorded it), options schema and per-unit quotas, with messages for the leader.';
revoke all on function import_private.import_jobs_before_write() from public;
