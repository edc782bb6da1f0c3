-- advancement_classify_definitions: what each requirement id of a file is to the shared
-- reference data and to the importing unit. The worker records in
-- unit_requirement_definitions only ids the reference data lacks, and never one of a (rank or
-- badge, version) that the reference data defines.
--
-- $1 'rank' or 'badge', $2 unit id, $3 rank or badge ids, $4 version years, $5 requirement ids.
-- Returns one row per input, in input order (ord is 1-based), with its class:
--   known            the reference data has the id under that version (a merit badge: as
--                    scoutbook_requirement_number or requirement_number; a rank: also when the
--                    rank's current version has it, where a completion then goes)
--   recorded         the unit has the id already (an earlier import recorded it)
--   version_defined  the reference data defines that version without this id: refused
--   unknown          the reference data has nothing for that version: may be recorded
-- Every probe is an index lookup on its full key; EXISTS stops at the first row.
select v.ord,
       case
           when $1 = 'rank' then
               case
                   when exists (select 1 from public.bsa_rank_requirements d
                                where d.rank_id = v.ref_id
                                  and d.version_year = v.version_year
                                  and d.requirement_number = v.requirement_id)
                     or exists (select 1
                                from public.bsa_ranks r
                                join public.bsa_rank_requirements d
                                  on d.rank_id = r.id
                                 and d.version_year = r.requirement_version_year
                                 and d.requirement_number = v.requirement_id
                                where r.id = v.ref_id)
                       then 'known'
                   when exists (select 1 from public.unit_requirement_definitions u
                                where u.unit_id = $2
                                  and u.rank_id = v.ref_id
                                  and u.requirement_number = v.requirement_id
                                  and u.version_year = v.version_year)
                       then 'recorded'
                   when exists (select 1 from public.bsa_rank_requirements d
                                where d.rank_id = v.ref_id
                                  and d.version_year = v.version_year)
                       then 'version_defined'
                   else 'unknown'
               end
           else
               case
                   -- By the text key of bsa_merit_badge_requirements_*_key_idx (see
                   -- advancement_upsert_badge_requirements).
                   when exists (select 1 from public.bsa_merit_badge_requirements d
                                where d.merit_badge_id::text || '/' || d.version_year::text || '/' || d.scoutbook_requirement_number
                                    = v.ref_id::text || '/' || v.version_year::text || '/' || v.requirement_id)
                     or exists (select 1 from public.bsa_merit_badge_requirements d
                                where d.merit_badge_id::text || '/' || d.version_year::text || '/' || d.requirement_number
                                    = v.ref_id::text || '/' || v.version_year::text || '/' || v.requirement_id)
                       then 'known'
                   when exists (select 1 from public.unit_requirement_definitions u
                                where u.unit_id = $2
                                  and u.merit_badge_id = v.ref_id
                                  and u.version_year = v.version_year
                                  and u.requirement_number = v.requirement_id)
                       then 'recorded'
                   when exists (select 1 from public.bsa_merit_badge_requirements d
                                where d.merit_badge_id = v.ref_id
                                  and d.version_year = v.version_year)
                       then 'version_defined'
                   else 'unknown'
               end
       end as class
from unnest($3::uuid[], $4::integer[], $5::text[]) with ordinality as v(ref_id, version_year, requirement_id, ord)
order by v.ord;
