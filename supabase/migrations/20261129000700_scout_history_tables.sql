-- Host tables written by the single-scout history import (job type scout_history,
-- docs/import-rules.md, "History reports"): the leadership positions reference list, a scout's
-- leadership history and a scout's activity entries (camping nights, service hours, hiking
-- miles).
--
-- The troop app may already own these tables. As in 20261129000100, each table is created only
-- where it is missing, and grants and policies are added only to a table that has no policy yet,
-- so applying this file to the app's database changes none of its existing rules.
--
-- Idempotency of the import rests on the unique keys below:
--   - scout_leadership_history (scout_id, position_id, start_date): one row per position held,
--     so a re-import finds the row again instead of adding a second one;
--   - scout_activity_entries (scout_id, source_key): the history report only gives totals, which
--     the import stores as one entry per activity type with source_key
--     'scoutbook_history:<type>' and upserts, so a re-import never counts a total twice (the
--     reference app added "today + the total" again on every import).

-- Leadership positions (platform-wide reference list) ------------------------------------------

do $bsa_leadership_positions$
begin
    if to_regclass('public.bsa_leadership_positions') is not null then
        return;
    end if;
    create table public.bsa_leadership_positions (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        name text not null
    );
    comment on table public.bsa_leadership_positions is
        'Scouts BSA positions of responsibility (platform-wide). The history import matches report names on name or code.';
    comment on column public.bsa_leadership_positions.id is 'Primary key.';
    comment on column public.bsa_leadership_positions.code is 'Stable snake_case code, e.g. senior_patrol_leader.';
    comment on column public.bsa_leadership_positions.name is 'Display name as Scoutbook prints it, e.g. Senior Patrol Leader.';
    alter table public.bsa_leadership_positions enable row level security;
end
$bsa_leadership_positions$;

-- The 18 Scouts BSA positions. A position already present (same code) is left as it is.
insert into public.bsa_leadership_positions (code, name)
select v.code, v.name
from (values
    ('senior_patrol_leader', 'Senior Patrol Leader'),
    ('assistant_senior_patrol_leader', 'Assistant Senior Patrol Leader'),
    ('patrol_leader', 'Patrol Leader'),
    ('assistant_patrol_leader', 'Assistant Patrol Leader'),
    ('troop_guide', 'Troop Guide'),
    ('den_chief', 'Den Chief'),
    ('quartermaster', 'Quartermaster'),
    ('scribe', 'Scribe'),
    ('historian', 'Historian'),
    ('librarian', 'Librarian'),
    ('chaplain_aide', 'Chaplain Aide'),
    ('instructor', 'Instructor'),
    ('outdoor_ethics_guide', 'Outdoor Ethics Guide'),
    ('junior_assistant_scoutmaster', 'Junior Assistant Scoutmaster'),
    ('order_of_the_arrow_troop_representative', 'Order of the Arrow Troop Representative'),
    ('webmaster', 'Webmaster'),
    ('bugler', 'Bugler'),
    ('leave_no_trace_trainer', 'Leave No Trace Trainer')
) as v (code, name)
where not exists (select 1 from public.bsa_leadership_positions p where p.code = v.code);

-- Leadership history ---------------------------------------------------------------------------

do $scout_leadership_history$
begin
    if to_regclass('public.scout_leadership_history') is not null then
        return;
    end if;
    create table public.scout_leadership_history (
        id uuid primary key default gen_random_uuid(),
        scout_id uuid not null references public.scouts (id) on delete cascade,
        position_id uuid references public.bsa_leadership_positions (id) on delete restrict,
        position_name text,
        start_date date not null,
        end_date date,
        notes text,
        created_at timestamptz not null default now(),
        unique (scout_id, position_id, start_date)
    );
    comment on table public.scout_leadership_history is
        'Positions of responsibility a scout held. One row per (scout, position, start date).';
    comment on column public.scout_leadership_history.id is 'Primary key.';
    comment on column public.scout_leadership_history.scout_id is 'The scout who held the position.';
    comment on column public.scout_leadership_history.position_id is 'The position (bsa_leadership_positions).';
    comment on column public.scout_leadership_history.position_name is
        'The position as written where it came from, e.g. "Patrol Leader (Hawk Patrol)" in a Scoutbook history report.';
    comment on column public.scout_leadership_history.start_date is 'First day in the position.';
    comment on column public.scout_leadership_history.end_date is 'Last day in the position; NULL while it is held.';
    comment on column public.scout_leadership_history.notes is 'Free-text notes, e.g. where the row was imported from.';
    comment on column public.scout_leadership_history.created_at is 'When the row was created.';
    alter table public.scout_leadership_history enable row level security;
end
$scout_leadership_history$;

-- Activity entries -----------------------------------------------------------------------------

do $scout_activity_entries$
begin
    if to_regclass('public.scout_activity_entries') is not null then
        return;
    end if;
    create table public.scout_activity_entries (
        id uuid primary key default gen_random_uuid(),
        scout_id uuid not null references public.scouts (id) on delete cascade,
        activity_type text not null check (activity_type in ('camping', 'service', 'hiking')),
        quantity numeric not null,
        activity_date date not null,
        source text not null default 'manual',
        source_key text,
        description text,
        created_at timestamptz not null default now(),
        unique (scout_id, source_key)
    );
    comment on table public.scout_activity_entries is
        'A scout''s camping nights, service hours and hiking miles. Imported totals carry a source_key so that a re-import updates them instead of adding them again.';
    comment on column public.scout_activity_entries.id is 'Primary key.';
    comment on column public.scout_activity_entries.scout_id is 'The scout.';
    comment on column public.scout_activity_entries.activity_type is 'camping (nights), service (hours) or hiking (miles).';
    comment on column public.scout_activity_entries.quantity is 'Nights, hours or miles, by activity_type.';
    comment on column public.scout_activity_entries.activity_date is
        'Day of the activity; for an imported total, the day of the report it was taken from.';
    comment on column public.scout_activity_entries.source is
        '''manual'' for entries made in the app; ''scoutbook_history'' for totals imported from a Scoutbook history report.';
    comment on column public.scout_activity_entries.source_key is
        'Idempotency key of imported entries, unique per scout (e.g. ''scoutbook_history:camping''); NULL for manual entries.';
    comment on column public.scout_activity_entries.description is 'Free-text description.';
    comment on column public.scout_activity_entries.created_at is 'When the row was created.';
    alter table public.scout_activity_entries enable row level security;
end
$scout_activity_entries$;

-- Access rules (only for a table without any policy, i.e. one this file created) --------------

do $scout_history_access$
declare
    t text;
begin
    if not exists (select from pg_policies where schemaname = 'public' and tablename = 'bsa_leadership_positions') then
        revoke all on public.bsa_leadership_positions from anon, authenticated;
        grant select on public.bsa_leadership_positions to authenticated;
        grant all on public.bsa_leadership_positions to service_role;
        create policy bsa_leadership_positions_read_all on public.bsa_leadership_positions
            for select to authenticated
            using (true);
    end if;

    -- Members of the scout's unit read; leaders (admin, treasurer, leader) write.
    foreach t in array array['scout_leadership_history', 'scout_activity_entries'] loop
        if not exists (select from pg_policies where schemaname = 'public' and tablename = t) then
            execute format('revoke all on public.%I from anon, authenticated', t);
            execute format('grant select, insert, update, delete on public.%I to authenticated', t);
            execute format('grant all on public.%I to service_role', t);
            execute format('create policy %I on public.%I for select to authenticated
                            using (import_private.can_read_scout(scout_id))', t || '_read_members', t);
            execute format('create policy %I on public.%I for all to authenticated
                            using (import_private.can_manage_scout(scout_id))
                            with check (import_private.can_manage_scout(scout_id))', t || '_write_leaders', t);
        end if;
    end loop;
end
$scout_history_access$;
