-- history_scouts_by_bsa_id: the unit's scouts with the report's BSA member id, inactive ones
-- included (a scout who left and came back is the same person). The caller fails the job
-- when there is none (the leader must create the scout or name it) or more than one
-- (ambiguous: the leader must name it with options.scoutId).
--
-- $1 unit id, $2 BSA member id.
select s.id, s.first_name, s.last_name, coalesce(s.is_active, true) as is_active
from public.scouts s
where s.unit_id = $1
  and s.bsa_member_id = $2
order by coalesce(s.is_active, true) desc, s.created_at, s.id;
