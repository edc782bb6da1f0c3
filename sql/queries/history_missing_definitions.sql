-- history_missing_definitions: which requirement ids of a history report have no definition
-- for their (rank or badge, version), using the exact matching of the write statements
-- (advancement_upsert_rank_requirements / advancement_upsert_badge_requirements).
--
-- A merit badge id the unit has already recorded for itself (unit_requirement_definitions)
-- counts as defined: the write resolves it there.
--
-- $1 kinds ('rank' or 'badge'), $2 rank or badge ids, $3 version years, $4 requirement ids,
-- $5 unit id. Returns the 1-based positions of the inputs without a definition.
select v.ord
from unnest($1::text[], $2::uuid[], $3::integer[], $4::text[])
     with ordinality as v(kind, ref_id, version_year, requirement_id, ord)
where (v.kind = 'rank' and not exists (
          select 1 from public.bsa_rank_requirements d
          where d.rank_id = v.ref_id
            and d.version_year = v.version_year
            and d.requirement_number = v.requirement_id))
   or (v.kind = 'badge' and not exists (
          select 1 from public.bsa_merit_badge_requirements d
          where d.merit_badge_id = v.ref_id
            and d.version_year = v.version_year
            and (d.scoutbook_requirement_number = v.requirement_id or d.requirement_number = v.requirement_id))
      and not exists (
          select 1 from public.unit_requirement_definitions u
          where u.unit_id = $5
            and u.merit_badge_id = v.ref_id
            and u.version_year = v.version_year
            and u.requirement_number = v.requirement_id))
order by v.ord;
