-- Access rules for the host tables created by 20261129000100, and what the import needs on
-- top of the app's schema.
--
-- Part 1 (grants and policies) only touches a host table that has no policy yet, i.e. one this
-- project created: the app's own tables keep their own rules untouched.
-- Part 2 adds lookup indexes and a provenance column that the reference app lacked. It is
-- additive (new nullable-safe column with a default, new indexes) and safe on the app database.

-- Part 1: access to host tables ------------------------------------------------------------------

-- scout_unit_role_check: is the caller a member (or leader) of the scout's unit?
create or replace function import_private.can_read_scout(p_scout_id uuid) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select exists (
        select 1 from public.scouts s
        where s.id = p_scout_id and import_private.is_unit_member(s.unit_id)
    )
$$;
comment on function import_private.can_read_scout(uuid) is
    'True when the calling user is an active member of the scout''s unit.';

create or replace function import_private.can_manage_scout(p_scout_id uuid) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select exists (
        select 1 from public.scouts s
        where s.id = p_scout_id and import_private.is_unit_leader(s.unit_id)
    )
$$;
comment on function import_private.can_manage_scout(uuid) is
    'True when the calling user is an active admin, treasurer or leader of the scout''s unit.';

revoke all on function import_private.can_read_scout(uuid) from public;
revoke all on function import_private.can_manage_scout(uuid) from public;
grant execute on function import_private.can_read_scout(uuid) to authenticated, service_role;
grant execute on function import_private.can_manage_scout(uuid) to authenticated, service_role;

do $host_access$
declare
    -- Tables that get policies and grants here, when they have no policy yet.
    t text;
begin
    -- Reference tables: readable by every signed-in user, written only by privileged roles.
    foreach t in array array['bsa_ranks', 'bsa_rank_requirements', 'bsa_merit_badges', 'bsa_merit_badge_requirements'] loop
        if not exists (select from pg_policies where schemaname = 'public' and tablename = t) then
            execute format('revoke all on public.%I from anon, authenticated', t);
            execute format('grant select on public.%I to authenticated', t);
            execute format('grant all on public.%I to service_role', t);
            execute format('create policy %I on public.%I for select to authenticated using (true)',
                           t || '_read_all', t);
        end if;
    end loop;

    if not exists (select from pg_policies where schemaname = 'public' and tablename = 'units') then
        revoke all on public.units from anon, authenticated;
        grant select on public.units to authenticated;
        grant all on public.units to service_role;
        create policy units_read_members on public.units
            for select to authenticated
            using (import_private.is_unit_member(id));
    end if;

    if not exists (select from pg_policies where schemaname = 'public' and tablename = 'profiles') then
        revoke all on public.profiles from anon, authenticated;
        grant select on public.profiles to authenticated;
        grant all on public.profiles to service_role;
        create policy profiles_read_own on public.profiles
            for select to authenticated
            using (user_id = (select auth.uid()));
    end if;

    if not exists (select from pg_policies where schemaname = 'public' and tablename = 'unit_memberships') then
        revoke all on public.unit_memberships from anon, authenticated;
        grant select on public.unit_memberships to authenticated;
        grant all on public.unit_memberships to service_role;
        create policy unit_memberships_read_own on public.unit_memberships
            for select to authenticated
            using (profile_id = (select import_private.current_profile_id()));
    end if;

    if not exists (select from pg_policies where schemaname = 'public' and tablename = 'scouts') then
        revoke all on public.scouts from anon, authenticated;
        grant select, insert, update, delete on public.scouts to authenticated;
        grant all on public.scouts to service_role;
        create policy scouts_read_members on public.scouts
            for select to authenticated
            using (import_private.is_unit_member(unit_id));
        create policy scouts_write_leaders on public.scouts
            for all to authenticated
            using (import_private.is_unit_leader(unit_id))
            with check (import_private.is_unit_leader(unit_id));
    end if;

    -- Scout progress: members of the scout's unit read, leaders write.
    foreach t in array array['scout_rank_progress', 'scout_merit_badge_progress'] loop
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

    if not exists (select from pg_policies where schemaname = 'public'
                   and tablename = 'scout_rank_requirement_progress') then
        revoke all on public.scout_rank_requirement_progress from anon, authenticated;
        grant select, insert, update, delete on public.scout_rank_requirement_progress to authenticated;
        grant all on public.scout_rank_requirement_progress to service_role;
        create policy scout_rank_requirement_progress_read_members on public.scout_rank_requirement_progress
            for select to authenticated
            using (exists (select 1 from public.scout_rank_progress p
                           where p.id = scout_rank_progress_id and import_private.can_read_scout(p.scout_id)));
        create policy scout_rank_requirement_progress_write_leaders on public.scout_rank_requirement_progress
            for all to authenticated
            using (exists (select 1 from public.scout_rank_progress p
                           where p.id = scout_rank_progress_id and import_private.can_manage_scout(p.scout_id)))
            with check (exists (select 1 from public.scout_rank_progress p
                                where p.id = scout_rank_progress_id and import_private.can_manage_scout(p.scout_id)));
    end if;

    if not exists (select from pg_policies where schemaname = 'public'
                   and tablename = 'scout_merit_badge_requirement_progress') then
        revoke all on public.scout_merit_badge_requirement_progress from anon, authenticated;
        grant select, insert, update, delete on public.scout_merit_badge_requirement_progress to authenticated;
        grant all on public.scout_merit_badge_requirement_progress to service_role;
        create policy scout_merit_badge_requirement_progress_read_members
            on public.scout_merit_badge_requirement_progress
            for select to authenticated
            using (exists (select 1 from public.scout_merit_badge_progress p
                           where p.id = scout_merit_badge_progress_id and import_private.can_read_scout(p.scout_id)));
        create policy scout_merit_badge_requirement_progress_write_leaders
            on public.scout_merit_badge_requirement_progress
            for all to authenticated
            using (exists (select 1 from public.scout_merit_badge_progress p
                           where p.id = scout_merit_badge_progress_id and import_private.can_manage_scout(p.scout_id)))
            with check (exists (select 1 from public.scout_merit_badge_progress p
                                where p.id = scout_merit_badge_progress_id and import_private.can_manage_scout(p.scout_id)));
    end if;
end
$host_access$;

-- Part 2: what the import needs ---------------------------------------------------------------

-- Find a unit's scout by BSA member id without scanning the unit (the app had no index).
-- Not unique: the app's data may already hold duplicates from the reference importer's bug;
-- the worker serialises imports per unit and never creates a second scout for an id.
create index if not exists scouts_unit_bsa_member_id_idx
    on public.scouts (unit_id, bsa_member_id)
    where bsa_member_id is not null;

-- Exact Scoutbook id lookups within (badge, version).
alter table public.bsa_merit_badge_requirements
    add column if not exists scoutbook_requirement_number text;
create index if not exists bsa_merit_badge_requirements_scoutbook_idx
    on public.bsa_merit_badge_requirements (merit_badge_id, version_year, scoutbook_requirement_number)
    where scoutbook_requirement_number is not null;
alter table public.bsa_merit_badge_requirements
    add column if not exists is_header boolean not null default false;

-- Provenance of requirement definitions: 'reference' (seeded or curated) or 'import' (a
-- Scoutbook id first seen in an export and registered by the worker, to be enriched later).
alter table public.bsa_rank_requirements
    add column if not exists source text not null default 'reference';
alter table public.bsa_merit_badge_requirements
    add column if not exists source text not null default 'reference';
comment on column public.bsa_rank_requirements.source is
    '''reference'' for curated definitions; ''import'' when the worker registered an id first seen in a Scoutbook export.';
comment on column public.bsa_merit_badge_requirements.source is
    '''reference'' for curated definitions; ''import'' when the worker registered an id first seen in a Scoutbook export.';

-- Rank requirement lookups by (rank, version, exact number).
create index if not exists bsa_rank_requirements_rank_version_number_idx
    on public.bsa_rank_requirements (rank_id, version_year, requirement_number);
