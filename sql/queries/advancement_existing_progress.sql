-- advancement_existing_progress: current rank and merit badge progress of some scouts, for
-- the new / update / duplicate classification (preview and counts).
--
-- $1 scout ids (uuid[]).
select 'rank' as kind, p.scout_id, p.rank_id as item_id, p.status::text, null::integer as version
from public.scout_rank_progress p
where p.scout_id = any($1::uuid[])
union all
select 'badge', p.scout_id, p.merit_badge_id, p.status::text, p.requirement_version_year
from public.scout_merit_badge_progress p
where p.scout_id = any($1::uuid[]);
