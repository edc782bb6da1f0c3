-- advancement_upsert_rank_requirements: record completed rank requirements.
--
-- Each input names (scout, rank, version, Scoutbook requirement id). The id is matched
-- exactly on requirement_number within (rank, version); never a looser variant. The scout's progress row for the rank must
-- exist (advancement_ensure_rank_parents). Two inputs that land on the same progress row and
-- definition are merged (first wins), so one statement never touches a row twice.
--
-- Writes: a new row with the status the worker passes, always completed (an import records
-- that the work was done; approving it stays a leader's act in the app), and its date; an
-- existing row only when that moves it up (not_started, in_progress or pending_approval ->
-- completed).
-- completed, approved and awarded rows are never touched, and an unchanged row is not
-- rewritten.
--
-- $1 scout ids, $2 rank ids, $3 versions, $4 requirement ids, $5 completion dates, $6
-- statuses (completed), $7 profile id of the leader who ran the import (completed_by).
-- Returns: resolved inputs, inserted rows, updated rows.
with input as (
    select *
    from unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::date[], $6::text[])
         with ordinality as v(scout_id, rank_id, version_year, requirement_id, completed_on, status, ord)
),
-- Each input's definition: the exact requirement_number within (rank, version); hash joins.
matched as (
    select distinct on (v.ord)
           v.ord, v.scout_id, v.rank_id, v.completed_on, v.status, d.id as definition_id
    from input v
    join public.bsa_rank_requirements d
      on d.rank_id = v.rank_id
     and d.version_year = v.version_year
     and d.requirement_number = v.requirement_id
    order by v.ord, d.display_order, d.id
),
resolved as (
    select distinct on (p.id, m.definition_id)
           p.id as progress_id, m.definition_id, m.completed_on, m.status, r.status::text as existing_status
    from matched m
    join public.scout_rank_progress p
      on p.scout_id = m.scout_id and p.rank_id = m.rank_id
    left join public.scout_rank_requirement_progress r
      on r.scout_rank_progress_id = p.id and r.requirement_id = m.definition_id
    order by p.id, m.definition_id, m.ord
),
-- Only rows that are new or move up are sent to the INSERT: duplicates are not even locked.
to_write as (
    select *
    from resolved
    where existing_status is null
       or array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         existing_status)
        < array_position(array['not_started', 'in_progress', 'pending_approval', 'completed', 'approved', 'awarded'],
                         status)
),
written as (
    insert into public.scout_rank_requirement_progress as r
        (scout_rank_progress_id, requirement_id, status, completed_at, completed_by, notes)
    select progress_id, definition_id, status::public.advancement_status,
           completed_on::timestamp at time zone 'UTC', $7, 'Imported from Scoutbook'
    from to_write
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
)
select (select count(*) from resolved) as resolved,
       count(*) filter (where inserted) as inserted,
       count(*) filter (where not inserted) as updated
from written;
