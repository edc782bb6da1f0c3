-- advancement_ensure_badge_parents: merit badge progress rows (in_progress) for badges that
-- the export only mentions through requirement rows (started, not awarded), with the version
-- the scout works under. Existing rows are left alone, except that a NULL version is filled.
--
-- $1 scout ids, $2 badge ids, $3 versions, $4 start dates (may be null).
insert into public.scout_merit_badge_progress as p
    (scout_id, merit_badge_id, status, started_at, requirement_version_year)
select scout_id, merit_badge_id, 'in_progress', started_on::timestamp at time zone 'UTC', version_year
from unnest($1::uuid[], $2::uuid[], $3::integer[], $4::date[]) as v(scout_id, merit_badge_id, version_year, started_on)
on conflict (scout_id, merit_badge_id) do update
set requirement_version_year = excluded.requirement_version_year,
    updated_at = now()
where p.requirement_version_year is null and excluded.requirement_version_year is not null;
