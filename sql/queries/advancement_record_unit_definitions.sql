-- advancement_record_unit_definitions: record requirement ids the reference data lacks for
-- the importing unit only (advancement_classify_definitions said "unknown"), with the job
-- that brought them. Nothing is written to the shared bsa_* tables. An id the unit already
-- has is left as it is (a re-import or a resumed job records nothing twice). Imports of one
-- unit never run concurrently, so no lock is needed and no other unit ever waits here.
--
-- $1 'rank' or 'badge', $2 unit id, $3 job id, $4 rank or badge ids, $5 version years,
-- $6 requirement ids, $7 display orders (order of first appearance in the file).
insert into public.unit_requirement_definitions
    (unit_id, rank_id, merit_badge_id, version_year, requirement_number, display_order, recorded_by_job_id)
select $2,
       case when $1 = 'rank' then v.ref_id end,
       case when $1 = 'badge' then v.ref_id end,
       v.version_year, v.requirement_id, v.display_order, $3
from unnest($4::uuid[], $5::integer[], $6::text[], $7::integer[])
     as v(ref_id, version_year, requirement_id, display_order)
on conflict do nothing;
