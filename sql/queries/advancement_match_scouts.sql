-- advancement_match_scouts: the unit's scouts for a set of BSA member ids, inactive ones
-- included (a scout who left and came back is the same person: never create a duplicate).
-- When the app already holds several rows for one id (the reference importer's bug), the
-- active, oldest one wins; the caller reports the duplicates.
--
-- $1 unit id, $2 BSA member ids (text[]).
select s.bsa_member_id, s.id, coalesce(s.is_active, true) as is_active,
       count(*) over (partition by s.bsa_member_id) as same_id_count
from public.scouts s
where s.unit_id = $1
  and s.bsa_member_id = any($2::text[])
order by s.bsa_member_id, coalesce(s.is_active, true) desc, s.created_at, s.id;
