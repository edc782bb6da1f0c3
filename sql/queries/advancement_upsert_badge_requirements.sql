-- advancement_upsert_badge_requirements: record completed merit badge requirements.
--
-- Each input names (scout, badge, version, Scoutbook requirement id); merit badge progress
-- keeps its version, so the id is matched exactly within (badge, version): the shared
-- definition with that scoutbook_requirement_number first, then with that requirement_number,
-- then the unit's own definition (advancement_record_unit_definitions); never a looser
-- variant. An id none of these has is not written. The scout's progress row for the badge
-- must exist (advancement_ensure_badge_parents). Two inputs that land on the same row are
-- merged (first wins), so one statement never touches a row twice.
--
-- Every lookup is an index lookup on its full key (LATERAL ... LIMIT 1: a LIMIT keeps the
-- planner from turning a lookup into a hash join over the whole table): the cost per input
-- does not grow with the definitions stored for the badge version or with the progress rows
-- stored for the scout's badge (a hash join on (badge, version) or on the progress row alone
-- took minutes with 200,000 definitions or 62,000 progress rows). A shared definition is
-- found by its text key (badge/version/id), the expression of the indexes
-- bsa_merit_badge_requirements_*_key_idx, so that no other index can be picked.
--
-- Writes a new row with status completed and the file's date; an existing row only when that
-- moves it up (not_started -> completed, ...). Approved and awarded rows are never touched,
-- and an unchanged row is not rewritten.
--
-- $1 scout ids, $2 badge ids, $3 versions, $4 requirement ids, $5 completion dates, $6
-- statuses, $7 profile id of the leader who ran the import (completed_by), $8 unit id, $9 job
-- id. Returns: resolved inputs, inserted rows, updated rows.
with input as (
    select v.*, p.id as progress_id,
           v.merit_badge_id::text || '/' || v.version_year::text || '/' || v.requirement_id as definition_key
    from unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::date[], $6::text[])
         with ordinality as v(scout_id, merit_badge_id, version_year, requirement_id, completed_on, status, ord)
    join lateral (
        select p.id from public.scout_merit_badge_progress p
        where p.scout_id = v.scout_id and p.merit_badge_id = v.merit_badge_id
        limit 1
    ) p on true
),
defined as (
    select v.*,
           case when coalesce(by_sb.id, by_number.id) is not null then 'shared'
                when own.id is not null then 'unit' end as kind,
           coalesce(by_sb.id, by_number.id, own.id) as definition_id
    from input v
    left join lateral (
        select d.id from public.bsa_merit_badge_requirements d
        where d.merit_badge_id::text || '/' || d.version_year::text || '/' || d.scoutbook_requirement_number = v.definition_key
        order by d.is_header, d.display_order, d.id
        limit 1
    ) by_sb on true
    left join lateral (
        select d.id from public.bsa_merit_badge_requirements d
        where by_sb.id is null
          and d.merit_badge_id::text || '/' || d.version_year::text || '/' || d.requirement_number = v.definition_key
        order by d.is_header, d.display_order, d.id
        limit 1
    ) by_number on true
    left join lateral (
        select o.id from public.unit_requirement_definitions o
        where by_sb.id is null and by_number.id is null
          and o.unit_id = $8 and o.merit_badge_id = v.merit_badge_id
          and o.version_year = v.version_year and o.requirement_number = v.requirement_id
        limit 1
    ) own on true
),
merged as (
    select distinct on (kind, progress_id, definition_id) *
    from defined
    where definition_id is not null
    order by kind, progress_id, definition_id, ord
),
-- The existing row, probed on its table's unique key.
resolved as (
    select m.*, coalesce(r.status::text, u.status::text) as existing_status
    from merged m
    left join lateral (
        select r.status from public.scout_merit_badge_requirement_progress r
        where m.kind = 'shared'
          and r.scout_merit_badge_progress_id = m.progress_id and r.requirement_id = m.definition_id
        limit 1
    ) r on true
    left join lateral (
        select u.status from public.unit_requirement_progress u
        where m.kind = 'unit'
          and u.scout_id = m.scout_id and u.definition_id = m.definition_id
        limit 1
    ) u on true
),
-- Only rows that are new or move up are sent to the INSERTs: duplicates are not even locked.
to_write as (
    select *
    from resolved
    where existing_status is null
       or array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         existing_status)
        < array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         status)
),
written_shared as (
    insert into public.scout_merit_badge_requirement_progress as r
        (scout_merit_badge_progress_id, requirement_id, status, completed_at, completed_by, notes)
    select progress_id, definition_id, status::public.advancement_status,
           completed_on::timestamp at time zone 'UTC', $7, 'Imported from Scoutbook'
    from to_write
    where kind = 'shared'
    on conflict (scout_merit_badge_progress_id, requirement_id) do update
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
