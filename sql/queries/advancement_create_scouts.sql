-- advancement_create_scouts: create the file's scouts that the unit does not have yet.
--
-- Idempotent: a scout whose BSA member id already exists in the unit (active or not) is never
-- created again, so a resumed or repeated job creates nothing twice. Imports of one unit never
-- run concurrently (import_jobs_one_running_per_unit_key) and the caller holds a per-unit
-- advisory lock, so the NOT EXISTS check cannot race.
--
-- $1 unit id, $2 BSA member ids, $3 first names, $4 middle names, $5 last names.
insert into public.scouts (unit_id, bsa_member_id, first_name, middle_name, last_name, is_active)
select $1, v.bsa_member_id, v.first_name, nullif(v.middle_name, ''), v.last_name, true
from unnest($2::text[], $3::text[], $4::text[], $5::text[])
     as v(bsa_member_id, first_name, middle_name, last_name)
where not exists (
    select 1 from public.scouts s
    where s.unit_id = $1 and s.bsa_member_id = v.bsa_member_id
)
returning bsa_member_id, id;
