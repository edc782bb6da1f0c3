-- history_leadership_positions: the positions of responsibility the history import matches
-- report names onto (by name or code).
select p.id, p.code, p.name
from public.bsa_leadership_positions p
order by p.code;
