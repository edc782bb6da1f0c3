-- history_scout_by_id: the scout a scout_history job names in options.scoutId, only when it
-- belongs to the job's unit (inactive scouts included). No row means "not in this unit"; the
-- caller does not tell apart a scout of another unit from one that does not exist.
--
-- $1 scout id, $2 the job's unit id.
select s.id, s.first_name, s.last_name, coalesce(s.bsa_member_id, '') as bsa_member_id,
       coalesce(s.is_active, true) as is_active
from public.scouts s
where s.id = $1
  and s.unit_id = $2;
