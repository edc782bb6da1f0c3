-- advancement_register_rank_requirements: register rank requirement ids seen in an export
-- that the reference data lacks for that (rank, version), marked source = 'import'.
--
-- The caller holds a transaction advisory lock. Returns the rows it created.
--
-- $1 rank ids, $2 version years, $3 requirement ids, $4 display orders.
insert into public.bsa_rank_requirements
    (version_year, rank_id, requirement_number, description, display_order, source)
select v.version_year, v.rank_id, v.requirement_id,
       'Requirement ' || v.requirement_id || ' (registered from a Scoutbook export; description pending)',
       v.display_order, 'import'
from unnest($1::uuid[], $2::integer[], $3::text[], $4::integer[])
     as v(rank_id, version_year, requirement_id, display_order)
where not exists (
    select 1 from public.bsa_rank_requirements d
    where d.rank_id = v.rank_id
      and d.version_year = v.version_year
      and d.requirement_number = v.requirement_id
)
returning rank_id, version_year, requirement_number;
