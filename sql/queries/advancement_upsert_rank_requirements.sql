-- advancement_upsert_rank_requirements: record completed rank requirements.
--
-- Rank progress has no version, so a scout holds one completion per (rank, requirement id),
-- whatever the version year:
--   1. When the scout already has a row for that id under any version (a shared definition's
--      row, or one of the unit's own definitions), that row is the one: it is left alone when
--      it is done already, or moved up (not_started -> completed, ...). No second row.
--   2. Otherwise the new completion goes under the shared definition of the version the file
--      names when the reference data has the id there; else under the rank's current version
--      when the id exists there; else under the unit's own definition of (rank, version, id)
--      (advancement_record_unit_definitions). An id none of these has is not written.
-- The scout's progress row for the rank must exist (advancement_ensure_rank_parents). Two
-- inputs that land on the same row are merged (first wins), so one statement never touches a
-- row twice. Every lookup is an index lookup on its full key (LATERAL ... LIMIT 1; the LIMIT
-- keeps the planner from turning it into a hash join over the whole table), so the cost per
-- input does not grow with the rows already stored.
--
-- Writes a new row with status completed and the file's date; an existing row only when
-- that moves it up. Approved and awarded rows are never touched, and an unchanged row is not
-- rewritten.
--
-- $1 scout ids, $2 rank ids, $3 versions, $4 requirement ids, $5 completion dates, $6
-- statuses, $7 profile id of the leader who ran the import (completed_by), $8 unit id, $9 job
-- id. Returns: resolved inputs, inserted rows, updated rows.
with input as (
    select v.*, p.id as progress_id, rk.requirement_version_year as current_version
    from unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::date[], $6::text[])
         with ordinality as v(scout_id, rank_id, version_year, requirement_id, completed_on, status, ord)
    join lateral (
        select p.id from public.scout_rank_progress p
        where p.scout_id = v.scout_id and p.rank_id = v.rank_id
        limit 1
    ) p on true
    join public.bsa_ranks rk on rk.id = v.rank_id
),
resolved as (
    select v.ord, v.progress_id, v.scout_id, v.completed_on, v.status,
           coalesce(e.kind, case when here.id is not null or cur.id is not null then 'shared'
                                 when own.id is not null then 'unit' end) as kind,
           coalesce(e.definition_id, here.id, cur.id, own.id) as definition_id,
           e.status as existing_status
    from input v
    -- 1. The scout's existing row for this id, under any version; the most advanced first.
    left join lateral (
        select x.kind, x.definition_id, x.status
        from (
            select 'shared' as kind, r.requirement_id as definition_id, r.status::text as status
            from public.bsa_rank_requirements d
            join public.scout_rank_requirement_progress r
              on r.scout_rank_progress_id = v.progress_id and r.requirement_id = d.id
            where d.rank_id = v.rank_id and d.requirement_number = v.requirement_id
            union all
            select 'unit', u.definition_id, u.status::text
            from public.unit_requirement_definitions o
            join public.unit_requirement_progress u
              on u.scout_id = v.scout_id and u.definition_id = o.id
            where o.unit_id = $8 and o.rank_id = v.rank_id and o.requirement_number = v.requirement_id
        ) x
        order by array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                                x.status) desc,
                 x.kind, x.definition_id
        limit 1
    ) e on true
    -- 2. A new completion: the file's version, then the current version, then the unit's own.
    left join lateral (
        select d.id from public.bsa_rank_requirements d
        where e.kind is null
          and d.rank_id = v.rank_id and d.version_year = v.version_year and d.requirement_number = v.requirement_id
        order by d.display_order, d.id
        limit 1
    ) here on true
    left join lateral (
        select d.id from public.bsa_rank_requirements d
        where e.kind is null and here.id is null
          and d.rank_id = v.rank_id and d.version_year = v.current_version and d.requirement_number = v.requirement_id
        order by d.display_order, d.id
        limit 1
    ) cur on true
    left join lateral (
        select o.id from public.unit_requirement_definitions o
        where e.kind is null and here.id is null and cur.id is null
          and o.unit_id = $8 and o.rank_id = v.rank_id
          and o.requirement_number = v.requirement_id and o.version_year = v.version_year
        limit 1
    ) own on true
),
merged as (
    select distinct on (kind, progress_id, definition_id) *
    from resolved
    where definition_id is not null
    order by kind, progress_id, definition_id, ord
),
-- Only rows that are new or move up are sent to the INSERTs: duplicates are not even locked.
to_write as (
    select *
    from merged
    where existing_status is null
       or array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         existing_status)
        < array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         status)
),
written_shared as (
    insert into public.scout_rank_requirement_progress as r
        (scout_rank_progress_id, requirement_id, status, completed_at, completed_by, notes)
    select progress_id, definition_id, status::public.advancement_status,
           completed_on::timestamp at time zone 'UTC', $7, 'Imported from Scoutbook'
    from to_write
    where kind = 'shared'
    on conflict (scout_rank_progress_id, requirement_id) do update
    set status = excluded.status,
        completed_at = coalesce(excluded.completed_at, r.completed_at),
        completed_by = excluded.completed_by,
        updated_at = now()
    where array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         r.status::text)
        < array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         excluded.status::text)
    returning (xmax = 0) as inserted
),
written_unit as (
    insert into public.unit_requirement_progress as r
        (scout_id, definition_id, status, completed_at, completed_by, notes, recorded_by_job_id)
    select scout_id, definition_id, status::public.advancement_status,
           completed_on::timestamp at time zone 'UTC', $7, 'Imported from Scoutbook', $9
    from to_write
    where kind = 'unit'
    on conflict (scout_id, definition_id) do update
    set status = excluded.status,
        completed_at = coalesce(excluded.completed_at, r.completed_at),
        completed_by = excluded.completed_by,
        recorded_by_job_id = excluded.recorded_by_job_id,
        updated_at = now()
    where array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         r.status::text)
        < array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         excluded.status::text)
    returning (xmax = 0) as inserted
),
written as (
    select inserted from written_shared
    union all
    select inserted from written_unit
)
select (select count(*) from merged) as resolved,
       count(*) filter (where inserted) as inserted,
       count(*) filter (where not inserted) as updated
from written;
