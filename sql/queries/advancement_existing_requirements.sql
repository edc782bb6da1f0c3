-- advancement_existing_requirements: requirement progress already recorded for some scouts,
-- with the definition's (badge or rank, version, ids), for the dry-run preview: rows under the
-- shared definitions and rows under the unit's own (unit_requirement_progress).
--
-- $1 scout ids (uuid[]).
select 'badge' as kind, p.scout_id, p.merit_badge_id as item_id, d.version_year,
       coalesce(d.scoutbook_requirement_number, d.requirement_number) as scoutbook_id,
       d.requirement_number, r.status::text
from public.scout_merit_badge_requirement_progress r
join public.scout_merit_badge_progress p on p.id = r.scout_merit_badge_progress_id
join public.bsa_merit_badge_requirements d on d.id = r.requirement_id
where p.scout_id = any($1::uuid[])
union all
select 'rank', p.scout_id, p.rank_id, d.version_year, d.requirement_number, d.requirement_number, r.status::text
from public.scout_rank_requirement_progress r
join public.scout_rank_progress p on p.id = r.scout_rank_progress_id
join public.bsa_rank_requirements d on d.id = r.requirement_id
where p.scout_id = any($1::uuid[])
union all
select case when o.rank_id is not null then 'rank' else 'badge' end, u.scout_id, coalesce(o.rank_id, o.merit_badge_id),
       o.version_year, o.requirement_number, o.requirement_number, u.status::text
from public.unit_requirement_progress u
join public.unit_requirement_definitions o on o.id = u.definition_id
where u.scout_id = any($1::uuid[]);
