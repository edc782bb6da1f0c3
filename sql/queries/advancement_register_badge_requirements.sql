-- advancement_register_badge_requirements: register merit badge requirement ids seen in an
-- export that the reference data lacks, as definitions marked source = 'import' (to be
-- enriched later). The Scoutbook id is kept verbatim in scoutbook_requirement_number and
-- requirement_number. A definition matches an id when either column equals it.
--
-- The caller holds a transaction advisory lock, so concurrent imports of two units cannot
-- register the same id twice. Returns the rows it created.
--
-- $1 badge ids, $2 version years, $3 requirement ids, $4 display orders.
insert into public.bsa_merit_badge_requirements
    (version_year, merit_badge_id, requirement_number, scoutbook_requirement_number,
     description, display_order, source)
select v.version_year, v.badge_id, v.requirement_id, v.requirement_id,
       'Requirement ' || v.requirement_id || ' (registered from a Scoutbook export; description pending)',
       v.display_order, 'import'
from unnest($1::uuid[], $2::integer[], $3::text[], $4::integer[])
     as v(badge_id, version_year, requirement_id, display_order)
where not exists (
    select 1 from public.bsa_merit_badge_requirements d
    where d.merit_badge_id = v.badge_id
      and d.version_year = v.version_year
      and (d.scoutbook_requirement_number = v.requirement_id or d.requirement_number = v.requirement_id)
)
on conflict do nothing
returning merit_badge_id, version_year, requirement_number;
