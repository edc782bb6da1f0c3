-- repair_unit_turns_lock_stale: lock the units marked waiting that no pending job backs (its
-- last pending job was cancelled or deleted), first of two statements in one transaction.
--
-- The flags are cleared by repair_unit_turns_clear in a second statement, which sees every job
-- committed before it: a unit whose new job is being inserted is locked by that insert (SKIP
-- LOCKED passes over it), and a job committed after this statement's snapshot is seen by the
-- next one. One statement could not do both (it would judge a row locked late with its old
-- snapshot).
select t.unit_id
from import_private.unit_claims t
where t.waiting
  and not exists (
      select 1
      from public.import_jobs p
      where p.unit_id = t.unit_id
        and p.status = 'pending'
  )
order by t.unit_id
limit 1000
for update of t skip locked;
