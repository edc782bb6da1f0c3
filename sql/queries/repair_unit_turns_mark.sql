-- repair_unit_turns_mark: mark waiting every unit that has a pending job, nothing running and
-- no waiting flag, and return those units.
--
-- The triggers of migration 20261201001000 and the worker's completion (complete_jobs.sql) keep
-- the flags; this is the reaper's safety net for what they cannot see (a running job deleted,
-- or set to completed, by hand in Studio leaves its unit's pending jobs without a turn). A flag
-- set too eagerly costs a claim one skipped index entry.
insert into import_private.unit_claims as c (unit_id, waiting, waiting_since)
select j.unit_id, true, now()
from public.import_jobs j
where j.status = 'pending'
  and not exists (
      select 1
      from public.import_jobs running
      where running.unit_id = j.unit_id
        and running.status = 'processing'
  )
  and not exists (
      select 1
      from import_private.unit_claims w
      where w.unit_id = j.unit_id
        and w.waiting
  )
group by j.unit_id
order by j.unit_id
on conflict (unit_id) do update
    set waiting = true,
        waiting_since = excluded.waiting_since
returning c.unit_id;
