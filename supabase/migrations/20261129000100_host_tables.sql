-- Host application tables that the import reads and writes (see docs/architecture.md,
-- "Host tables").
--
-- The troop app already owns these tables in its own database. This migration creates them
-- only where they are missing (local development, tests, a fresh project), with the same
-- names, key columns, unique keys and enums as the app. Each table is created inside a guard
-- so that applying this file to the app's database changes nothing there: no column, policy,
-- grant or comment of an existing table is touched.
--
-- Policies use the helper functions in schema import_private (defined first), which read the
-- caller's profile and memberships with definer rights so that policies never recurse.

create schema if not exists import_private;
comment on schema import_private is
    'Internal helpers of the import service (policy helpers, queue functions). Not exposed through the Data API.';
revoke all on schema import_private from public;
grant usage on schema import_private to authenticated, service_role;

-- Enums ----------------------------------------------------------------------------------

do $enums$
begin
    if to_regtype('public.membership_role') is null then
        create type public.membership_role as enum ('admin', 'treasurer', 'leader', 'parent', 'scout');
    end if;
    if to_regtype('public.membership_status') is null then
        create type public.membership_status as enum ('roster', 'invited', 'active', 'inactive');
    end if;
    if to_regtype('public.advancement_status') is null then
        create type public.advancement_status as enum (
            'not_started', 'in_progress', 'completed', 'pending_approval', 'approved', 'awarded');
    end if;
    if to_regtype('public.unit_type') is null then
        create type public.unit_type as enum ('troop', 'pack', 'crew', 'ship');
    end if;
    if to_regtype('public.unit_gender') is null then
        create type public.unit_gender as enum ('boys', 'girls', 'coed');
    end if;
end
$enums$;

-- Tenancy and identity ------------------------------------------------------------------------

do $units$
begin
    if to_regclass('public.units') is not null then
        return;
    end if;
    create table public.units (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        unit_number text,
        unit_type public.unit_type not null default 'troop',
        unit_gender public.unit_gender,
        parent_unit_id uuid references public.units (id) on delete set null,
        is_section boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
    );
    comment on table public.units is 'Scouting units (troops, packs, crews, ships): the tenant of every job.';
    alter table public.units enable row level security;
end
$units$;

do $profiles$
begin
    if to_regclass('public.profiles') is not null then
        return;
    end if;
    create table public.profiles (
        id uuid primary key default gen_random_uuid(),
        user_id uuid unique references auth.users (id) on delete set null,
        first_name text,
        last_name text,
        full_name text,
        email text,
        bsa_member_id text,
        is_active boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
    );
    comment on table public.profiles is
        'People known to the app; user_id links a login. "Who did it" columns hold profiles.id, never auth ids.';
    alter table public.profiles enable row level security;
end
$profiles$;

do $memberships$
begin
    if to_regclass('public.unit_memberships') is not null then
        return;
    end if;
    create table public.unit_memberships (
        id uuid primary key default gen_random_uuid(),
        unit_id uuid not null references public.units (id) on delete cascade,
        profile_id uuid references public.profiles (id) on delete cascade,
        role public.membership_role not null,
        status public.membership_status not null default 'active',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
    );
    create unique index unit_memberships_unit_profile_key
        on public.unit_memberships (unit_id, profile_id)
        where profile_id is not null and status <> 'inactive';
    comment on table public.unit_memberships is
        'Who belongs to which unit with which role. Import rights: an active admin, treasurer or leader membership.';
    alter table public.unit_memberships enable row level security;
end
$memberships$;

-- Policy helpers (definer rights, empty search_path) -----------------------------------------

-- current_profile_id: the profile of the signed-in user (auth.uid()), or NULL.
create or replace function import_private.current_profile_id() returns uuid
    language sql stable security definer
    set search_path = ''
as $$
    select p.id from public.profiles p where p.user_id = auth.uid()
$$;
comment on function import_private.current_profile_id() is
    'The profiles.id of the calling user (request.jwt.claims sub), or NULL when there is none.';

-- is_unit_member: the caller has an active membership of any role in the unit.
create or replace function import_private.is_unit_member(p_unit_id uuid) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select exists (
        select 1
        from public.unit_memberships m
        join public.profiles p on p.id = m.profile_id
        where m.unit_id = p_unit_id
          and m.status = 'active'
          and p.user_id = auth.uid()
    )
$$;
comment on function import_private.is_unit_member(uuid) is
    'True when the calling user has an active membership (any role) in the unit.';

-- is_unit_leader: the caller may run imports for the unit (active admin, treasurer or leader).
create or replace function import_private.is_unit_leader(p_unit_id uuid) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select exists (
        select 1
        from public.unit_memberships m
        join public.profiles p on p.id = m.profile_id
        where m.unit_id = p_unit_id
          and m.status = 'active'
          and m.role in ('admin', 'treasurer', 'leader')
          and p.user_id = auth.uid()
    )
$$;
comment on function import_private.is_unit_leader(uuid) is
    'True when the calling user has an active admin, treasurer or leader membership in the unit: the import right.';

revoke all on function import_private.current_profile_id() from public;
revoke all on function import_private.is_unit_member(uuid) from public;
revoke all on function import_private.is_unit_leader(uuid) from public;
grant execute on function import_private.current_profile_id() to authenticated, service_role;
grant execute on function import_private.is_unit_member(uuid) to authenticated, service_role;
grant execute on function import_private.is_unit_leader(uuid) to authenticated, service_role;

-- Scouts -------------------------------------------------------------------------------------

do $scouts$
begin
    if to_regclass('public.scouts') is not null then
        return;
    end if;
    create table public.scouts (
        id uuid primary key default gen_random_uuid(),
        unit_id uuid not null references public.units (id) on delete restrict,
        profile_id uuid references public.profiles (id) on delete set null,
        first_name text not null,
        middle_name text,
        last_name text not null,
        bsa_member_id varchar(20),
        patrol_id uuid,
        rank text,
        is_active boolean default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
    );
    comment on table public.scouts is 'Youth members of a unit. bsa_member_id is the Scoutbook key the import matches on.';
    alter table public.scouts enable row level security;
end
$scouts$;

-- BSA reference tables (platform-wide) ------------------------------------------------------

do $bsa_ranks$
begin
    if to_regclass('public.bsa_ranks') is not null then
        return;
    end if;
    create table public.bsa_ranks (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        name text not null,
        display_order integer not null,
        is_eagle_required boolean not null default false,
        requirement_version_year integer,
        image_url text,
        description text
    );
    comment on table public.bsa_ranks is 'The seven Scouts BSA ranks. Match on code, never on name.';
    alter table public.bsa_ranks enable row level security;
end
$bsa_ranks$;

do $bsa_rank_requirements$
begin
    if to_regclass('public.bsa_rank_requirements') is not null then
        return;
    end if;
    create table public.bsa_rank_requirements (
        id uuid primary key default gen_random_uuid(),
        version_year integer not null,
        rank_id uuid not null references public.bsa_ranks (id) on delete cascade,
        requirement_number text not null,
        parent_requirement_id uuid references public.bsa_rank_requirements (id) on delete cascade,
        sub_requirement_letter text,
        description text not null,
        is_alternative boolean not null default false,
        alternatives_group text,
        display_order integer not null default 0,
        unique (version_year, rank_id, requirement_number, sub_requirement_letter)
    );
    create index bsa_rank_requirements_rank_version_idx
        on public.bsa_rank_requirements (rank_id, version_year);
    comment on table public.bsa_rank_requirements is 'Rank requirement definitions per (rank, version year).';
    alter table public.bsa_rank_requirements enable row level security;
end
$bsa_rank_requirements$;

do $bsa_merit_badges$
begin
    if to_regclass('public.bsa_merit_badges') is not null then
        return;
    end if;
    create table public.bsa_merit_badges (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        name text not null,
        is_eagle_required boolean not null default false,
        category text,
        requirement_version_year integer,
        is_active boolean not null default true,
        image_url text,
        pamphlet_url text
    );
    comment on table public.bsa_merit_badges is 'Merit badges. code is snake_case; requirement_version_year is the current version.';
    alter table public.bsa_merit_badges enable row level security;
end
$bsa_merit_badges$;

do $bsa_merit_badge_requirements$
begin
    if to_regclass('public.bsa_merit_badge_requirements') is not null then
        return;
    end if;
    create table public.bsa_merit_badge_requirements (
        id uuid primary key default gen_random_uuid(),
        version_year integer not null,
        merit_badge_id uuid not null references public.bsa_merit_badges (id) on delete cascade,
        requirement_number text not null,
        scoutbook_requirement_number text,
        parent_requirement_id uuid references public.bsa_merit_badge_requirements (id) on delete cascade,
        sub_requirement_letter text,
        description text not null,
        display_order integer not null default 0,
        is_alternative boolean not null default false,
        alternatives_group text,
        nesting_depth integer not null default 0,
        original_scoutbook_id text,
        required_count integer,
        is_header boolean not null default false
    );
    create unique index bsa_merit_badge_requirements_version_badge_number_key
        on public.bsa_merit_badge_requirements
           (version_year, merit_badge_id, requirement_number, coalesce(sub_requirement_letter, ''));
    create index bsa_merit_badge_requirements_badge_version_idx
        on public.bsa_merit_badge_requirements (merit_badge_id, version_year);
    comment on table public.bsa_merit_badge_requirements is
        'Merit badge requirement definitions per (badge, version year); scoutbook_requirement_number is the exact CSV id.';
    alter table public.bsa_merit_badge_requirements enable row level security;
end
$bsa_merit_badge_requirements$;

-- Per-scout progress -----------------------------------------------------------------------

do $scout_rank_progress$
begin
    if to_regclass('public.scout_rank_progress') is not null then
        return;
    end if;
    create table public.scout_rank_progress (
        id uuid primary key default gen_random_uuid(),
        scout_id uuid not null references public.scouts (id) on delete cascade,
        rank_id uuid not null references public.bsa_ranks (id) on delete restrict,
        status public.advancement_status not null default 'not_started',
        started_at timestamptz,
        completed_at timestamptz,
        approved_at timestamptz,
        approved_by uuid references public.profiles (id),
        awarded_at timestamptz,
        awarded_by uuid references public.profiles (id),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (scout_id, rank_id)
    );
    comment on table public.scout_rank_progress is 'A scout''s progress on one rank.';
    alter table public.scout_rank_progress enable row level security;
end
$scout_rank_progress$;

do $scout_rank_requirement_progress$
begin
    if to_regclass('public.scout_rank_requirement_progress') is not null then
        return;
    end if;
    create table public.scout_rank_requirement_progress (
        id uuid primary key default gen_random_uuid(),
        scout_rank_progress_id uuid not null references public.scout_rank_progress (id) on delete cascade,
        requirement_id uuid not null references public.bsa_rank_requirements (id) on delete restrict,
        status public.advancement_status not null default 'not_started',
        completed_at timestamptz,
        completed_by uuid references public.profiles (id),
        notes text,
        submitted_by uuid references public.profiles (id),
        submitted_at timestamptz,
        submission_notes text,
        approval_status text check (approval_status in ('pending_approval', 'approved', 'denied')),
        denial_reason text,
        reviewed_by uuid references public.profiles (id),
        reviewed_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (scout_rank_progress_id, requirement_id)
    );
    comment on table public.scout_rank_requirement_progress is 'A scout''s progress on one rank requirement.';
    alter table public.scout_rank_requirement_progress enable row level security;
end
$scout_rank_requirement_progress$;

do $scout_merit_badge_progress$
begin
    if to_regclass('public.scout_merit_badge_progress') is not null then
        return;
    end if;
    create table public.scout_merit_badge_progress (
        id uuid primary key default gen_random_uuid(),
        scout_id uuid not null references public.scouts (id) on delete cascade,
        merit_badge_id uuid not null references public.bsa_merit_badges (id) on delete restrict,
        status public.advancement_status not null default 'not_started',
        counselor_name text,
        counselor_profile_id uuid references public.profiles (id),
        counselor_bsa_id text,
        counselor_signed_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        approved_at timestamptz,
        approved_by uuid references public.profiles (id),
        awarded_at timestamptz,
        requirement_version_year integer,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (scout_id, merit_badge_id)
    );
    comment on table public.scout_merit_badge_progress is
        'A scout''s progress on one merit badge; requirement_version_year NULL means the badge default.';
    alter table public.scout_merit_badge_progress enable row level security;
end
$scout_merit_badge_progress$;

do $scout_merit_badge_requirement_progress$
begin
    if to_regclass('public.scout_merit_badge_requirement_progress') is not null then
        return;
    end if;
    create table public.scout_merit_badge_requirement_progress (
        id uuid primary key default gen_random_uuid(),
        scout_merit_badge_progress_id uuid not null
            references public.scout_merit_badge_progress (id) on delete cascade,
        requirement_id uuid not null references public.bsa_merit_badge_requirements (id) on delete restrict,
        status public.advancement_status not null default 'not_started',
        completed_at timestamptz,
        completed_by uuid references public.profiles (id),
        notes text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (scout_merit_badge_progress_id, requirement_id)
    );
    comment on table public.scout_merit_badge_requirement_progress is 'A scout''s progress on one merit badge requirement.';
    alter table public.scout_merit_badge_requirement_progress enable row level security;
end
$scout_merit_badge_requirement_progress$;
