-- advancement_ensure_rank_parents: rank progress rows (in_progress) for ranks that the export
-- only mentions through completed requirements. Existing rows are left alone.
--
-- $1 scout ids, $2 rank ids, $3 start dates (the earliest requirement date, may be null).
insert into public.scout_rank_progress (scout_id, rank_id, status, started_at)
select scout_id, rank_id, 'in_progress', started_on::timestamp at time zone 'UTC'
from unnest($1::uuid[], $2::uuid[], $3::date[]) as v(scout_id, rank_id, started_on)
on conflict (scout_id, rank_id) do nothing;
