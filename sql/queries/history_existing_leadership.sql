-- history_existing_leadership: a scout's recorded positions, for the dry-run preview.
--
-- $1 scout id.
select h.position_id, h.start_date, h.end_date
from public.scout_leadership_history h
where h.scout_id = $1
  and h.position_id is not null;
