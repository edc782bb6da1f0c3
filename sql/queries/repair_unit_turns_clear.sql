-- repair_unit_turns_clear: clear the waiting flag of the units locked by
-- repair_unit_turns_lock_stale that still have no pending job, and count them.
--
-- $1 the locked units.
update import_private.unit_claims t
set waiting = false
where t.unit_id = any($1::uuid[])
  and t.waiting
  and not exists (
      select 1
      from public.import_jobs p
      where p.unit_id = t.unit_id
        and p.status = 'pending'
  );
