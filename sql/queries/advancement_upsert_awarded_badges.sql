-- advancement_upsert_awarded_badges: record merit badges the export shows as awarded.
--
-- Same rules as advancement_upsert_awarded_ranks. requirement_version_year is the export's
-- version on insert; on an existing row it is only filled when it was NULL (the version of
-- existing progress is never changed).
--
-- $1 scout ids, $2 badge ids, $3 awarded dates, $4 completion dates, $5 versions (null =
-- badge default). Returns inserted and updated counts.
with input as (
    select *
    from unnest($1::uuid[], $2::uuid[], $3::date[], $4::date[], $5::integer[])
         as v(scout_id, merit_badge_id, awarded_on, completed_on, version_year)
),
written as (
    insert into public.scout_merit_badge_progress as p
        (scout_id, merit_badge_id, status, started_at, completed_at, awarded_at, requirement_version_year)
    select scout_id, merit_badge_id, 'awarded',
           coalesce(completed_on, awarded_on)::timestamp at time zone 'UTC',
           -- completed_at is datecompleted only, as for ranks: a badge kept for its
           -- awardeddate alone has no known completion date (it used to borrow the award date).
           completed_on::timestamp at time zone 'UTC',
           coalesce(awarded_on, completed_on)::timestamp at time zone 'UTC',
           version_year
    from input
    on conflict (scout_id, merit_badge_id) do update
    set status = 'awarded',
        started_at = coalesce(p.started_at, excluded.started_at),
        completed_at = coalesce(p.completed_at, excluded.completed_at),
        awarded_at = coalesce(p.awarded_at, excluded.awarded_at),
        requirement_version_year = coalesce(p.requirement_version_year, excluded.requirement_version_year),
        updated_at = now()
    where p.status <> 'awarded'
    returning (xmax = 0) as inserted
)
select count(*) filter (where inserted) as inserted,
       count(*) filter (where not inserted) as updated
from written;
