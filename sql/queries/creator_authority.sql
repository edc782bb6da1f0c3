-- creator_authority: whether the leader who created a job may still import for its unit, checked
-- when an attempt starts: a leader removed from the unit (or whose membership was suspended, or
-- whose role no longer allows imports) between the upload and the run does not get the import
-- run in their name. The roles are those of import_private.is_unit_leader.
--
-- $1 job id.
select exists (
           select 1
           from public.unit_memberships m
           where m.unit_id = j.unit_id
             and m.profile_id = j.created_by
             and m.status = 'active'
             and m.role in ('admin', 'treasurer', 'leader')
       ) as authorized
from public.import_jobs j
where j.id = $1;
