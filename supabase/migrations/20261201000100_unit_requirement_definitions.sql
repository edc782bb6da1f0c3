-- Requirement ids that the reference data lacks, kept per unit, and the scouts' completions
-- of them.
--
-- The bsa_* tables are shared by every unit. An upload used to add the requirement ids it
-- named and the reference data lacked to them, so one leader's file could change what every
-- other unit reads (a 28th Tenderfoot requirement, links, markup). From now on such an id is
-- recorded for the importing unit only, with the job that brought it, in
-- unit_requirement_definitions, and a scout's completion of it goes to
-- unit_requirement_progress: the app's progress tables keep their foreign keys to the shared
-- definitions, so they cannot point at a unit's row.
--
-- The worker records an id here only for a (rank or merit badge, version) that the reference
-- data does not define at all; an unknown id of a version it does define is refused. Clients
-- only read (members of the unit, as for scouts and their progress); only the worker writes.
--
-- Also: lookup indexes on the full keys the import probes with (issue: a chunk of 4,000 ids
-- took 182 s against 62,000 stored progress rows of one badge, because the probe matched on the
-- parent row only). Additive on the app's database: new tables and indexes, nothing changed.

create table if not exists public.unit_requirement_definitions (
    id uuid primary key default gen_random_uuid(),
    unit_id uuid not null references public.units (id) on delete cascade,
    rank_id uuid references public.bsa_ranks (id) on delete cascade,
    merit_badge_id uuid references public.bsa_merit_badges (id) on delete cascade,
    version_year integer not null,
    requirement_number text not null,
    description text,
    display_order integer not null default 0,
    recorded_by_job_id uuid references public.import_jobs (id) on delete set null,
    created_at timestamptz not null default now(),
    constraint unit_requirement_definitions_one_parent
        check ((rank_id is null) <> (merit_badge_id is null)),
    -- The same shape the worker accepts: a digit first, then letters, digits, spaces and
    -- . - ( ) [ ], at most 40 characters. Scoutbook's ids all look like that (1a, 3a[1],
    -- 6A(a)(1), 4a1 Triathlon Option); markup, links and control characters never do.
    constraint unit_requirement_definitions_number_shape
        check (char_length(requirement_number) <= 40
               and requirement_number ~ '^[0-9][0-9A-Za-z .()\[\]-]*$'),
    constraint unit_requirement_definitions_description_length
        check (description is null or char_length(description) <= 2000)
);

comment on table public.unit_requirement_definitions is
    'Requirement ids seen in a unit''s Scoutbook exports that the shared reference data (bsa_*) lacks, visible to that unit only. Written by the import worker; members of the unit read them.';
comment on column public.unit_requirement_definitions.id is 'Primary key.';
comment on column public.unit_requirement_definitions.unit_id is 'The unit whose import brought the id; only its members see the row.';
comment on column public.unit_requirement_definitions.rank_id is 'The rank the id belongs to (set for a rank requirement, else NULL).';
comment on column public.unit_requirement_definitions.merit_badge_id is 'The merit badge the id belongs to (set for a merit badge requirement, else NULL).';
comment on column public.unit_requirement_definitions.version_year is 'Requirement version year of the rank or badge, as the export named it (or the current version when it named none).';
comment on column public.unit_requirement_definitions.requirement_number is 'The Scoutbook requirement id, verbatim (e.g. 3a[1], 4a1 Triathlon Option).';
comment on column public.unit_requirement_definitions.description is 'Requirement text when the source gave one; NULL for the Troop Advancement export, which carries ids only.';
comment on column public.unit_requirement_definitions.display_order is 'Order of first appearance within (rank or badge, version) in the file that brought it.';
comment on column public.unit_requirement_definitions.recorded_by_job_id is 'The import job that first recorded the id (NULL once that job is deleted).';
comment on column public.unit_requirement_definitions.created_at is 'When the id was recorded.';

-- One row per (unit, rank, id, version) and per (unit, badge, version, id). The rank index
-- leads with the id so that "this id under any version" is one index range (ranks have no
-- version on progress); the badge index is the full (badge, version, id) key.
create unique index if not exists unit_requirement_definitions_rank_key
    on public.unit_requirement_definitions (unit_id, rank_id, requirement_number, version_year)
    where rank_id is not null;
create unique index if not exists unit_requirement_definitions_badge_key
    on public.unit_requirement_definitions (unit_id, merit_badge_id, version_year, requirement_number)
    where merit_badge_id is not null;
create index if not exists unit_requirement_definitions_job_idx
    on public.unit_requirement_definitions (recorded_by_job_id)
    where recorded_by_job_id is not null;

create table if not exists public.unit_requirement_progress (
    id uuid primary key default gen_random_uuid(),
    scout_id uuid not null references public.scouts (id) on delete cascade,
    definition_id uuid not null references public.unit_requirement_definitions (id) on delete cascade,
    status public.advancement_status not null default 'not_started',
    completed_at timestamptz,
    completed_by uuid references public.profiles (id),
    notes text,
    recorded_by_job_id uuid references public.import_jobs (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (scout_id, definition_id)
);

comment on table public.unit_requirement_progress is
    'A scout''s progress on a requirement id of unit_requirement_definitions (one the reference data lacks). Written by the import worker; members of the scout''s unit read it.';
comment on column public.unit_requirement_progress.id is 'Primary key.';
comment on column public.unit_requirement_progress.scout_id is 'The scout.';
comment on column public.unit_requirement_progress.definition_id is 'The unit''s requirement definition (same unit as the scout).';
comment on column public.unit_requirement_progress.status is 'Progress status; the import writes completed and only ever moves a row up.';
comment on column public.unit_requirement_progress.completed_at is 'Completion date from the export (midnight UTC), NULL when unknown.';
comment on column public.unit_requirement_progress.completed_by is 'profiles.id of the leader who ran the import.';
comment on column public.unit_requirement_progress.notes is 'Free text; the import writes "Imported from Scoutbook".';
comment on column public.unit_requirement_progress.recorded_by_job_id is 'The import job that wrote the row last (NULL once that job is deleted).';
comment on column public.unit_requirement_progress.created_at is 'When the row was created.';
comment on column public.unit_requirement_progress.updated_at is 'When the row last changed.';

create index if not exists unit_requirement_progress_definition_idx
    on public.unit_requirement_progress (definition_id);
create index if not exists unit_requirement_progress_job_idx
    on public.unit_requirement_progress (recorded_by_job_id)
    where recorded_by_job_id is not null;

-- Access: members read, nobody but the worker writes --------------------------------------

alter table public.unit_requirement_definitions enable row level security;
alter table public.unit_requirement_progress enable row level security;

revoke all on public.unit_requirement_definitions from public, anon, authenticated;
revoke all on public.unit_requirement_progress from public, anon, authenticated;
grant select on public.unit_requirement_definitions to authenticated;
grant select on public.unit_requirement_progress to authenticated;
grant all on public.unit_requirement_definitions, public.unit_requirement_progress to service_role;

drop policy if exists unit_requirement_definitions_read_members on public.unit_requirement_definitions;
create policy unit_requirement_definitions_read_members on public.unit_requirement_definitions
    for select to authenticated
    using (import_private.is_unit_member(unit_id));

drop policy if exists unit_requirement_progress_read_members on public.unit_requirement_progress;
create policy unit_requirement_progress_read_members on public.unit_requirement_progress
    for select to authenticated
    using (import_private.can_read_scout(scout_id));

-- Full-key lookups for the import's probes -------------------------------------------------

-- A rank requirement id under any version of the rank (one completion per rank id, whatever
-- the version).
create index if not exists bsa_rank_requirements_rank_number_idx
    on public.bsa_rank_requirements (rank_id, requirement_number);
-- A merit badge definition by its full key, (badge, version, Scoutbook id) and (badge,
-- version, number), each as one text key. The write statements compare exactly these
-- expressions, which no other index can serve, so every lookup is one probe of these indexes
-- whatever the table's statistics say. With plain columns, a table without statistics yet
-- (definitions just loaded) made the planner probe the small (badge, version) index and filter
-- the id afterwards: 2,300 rows read per lookup, seconds per chunk.
create index if not exists bsa_merit_badge_requirements_scoutbook_key_idx
    on public.bsa_merit_badge_requirements
       ((merit_badge_id::text || '/' || version_year::text || '/' || scoutbook_requirement_number));
create index if not exists bsa_merit_badge_requirements_number_key_idx
    on public.bsa_merit_badge_requirements
       ((merit_badge_id::text || '/' || version_year::text || '/' || requirement_number));
