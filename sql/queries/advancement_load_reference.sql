-- advancement_load_reference: the ranks and merit badges the import maps names onto.
-- kind is 'rank' or 'badge'; version is the current requirement version (may be null).
select 'rank' as kind, r.id, r.code, r.name, r.requirement_version_year, true as is_active
from public.bsa_ranks r
union all
select 'badge', b.id, b.code, b.name, b.requirement_version_year, b.is_active
from public.bsa_merit_badges b;
