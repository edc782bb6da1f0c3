-- advancement_upsert_awarded_ranks: record ranks the export shows as awarded.
--
-- New rank progress is inserted as awarded with the export's dates; existing progress that is
-- not awarded yet (in progress, completed, approved) is moved up to awarded, filling only the
-- dates it lacks. Awarded rows are never rewritten (duplicates), and nothing is ever moved
-- down. Dates are calendar days, stored as midnight UTC.
--
-- $1 scout ids, $2 rank ids, $3 awarded dates, $4 completion dates (date[], null = unknown).
-- Returns how many rows were inserted and how many were updated.
with input as (
    select *
    from unnest($1::uuid[], $2::uuid[], $3::date[], $4::date[])
         as v(scout_id, rank_id, awarded_on, completed_on)
),
written as (
    insert into public.scout_rank_progress as p
        (scout_id, rank_id, status, started_at, completed_at, awarded_at)
    select scout_id, rank_id, 'awarded',
           coalesce(completed_on, awarded_on)::timestamp at time zone 'UTC',
           completed_on::timestamp at time zone 'UTC',
           coalesce(awarded_on, completed_on)::timestamp at time zone 'UTC'
    from input
    on conflict (scout_id, rank_id) do update
    set status = 'awarded',
        started_at = coalesce(p.started_at, excluded.started_at),
        completed_at = coalesce(p.completed_at, excluded.completed_at),
        awarded_at = coalesce(p.awarded_at, excluded.awarded_at),
        updated_at = now()
    where p.status <> 'awarded'
    returning (xmax = 0) as inserted
)
select count(*) filter (where inserted) as inserted,
       count(*) filter (where not inserted) as updated
from written;
