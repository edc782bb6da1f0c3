-- The claim walks a queue of units instead of sorting every pending job.
--
-- Until now each claim found every unit's oldest runnable job (DISTINCT ON over all pending
-- jobs) and sorted them by when the unit was last served: its cost grew with the backlog, about
-- 12 ms per claim with 5,000 units waiting. Now import_private.unit_claims keeps, per unit,
-- whether it is waiting for a turn, and an index orders the waiting units exactly as the claim
-- serves them (least recently served first; a unit never served first of all, by when it began
-- to wait). A claim reads the first few entries of that index and each unit's oldest job by
-- another index: its cost no longer depends on how many jobs or units wait.
--
-- A unit is waiting when it has a pending job and nothing running. Triggers keep the flag:
--   * inserting a pending job marks its unit waiting;
--   * a job that stops running (completed, failed, cancelled, released, rescued) or becomes
--     pending again marks its unit waiting when the unit still has a pending job; its place in
--     line is its last claim time, so it comes after every unit served less recently;
--   * the claim clears the flag of each unit it serves and records the claim time.
-- The flag may be set with nothing runnable (a pending job was cancelled, a job waits for its
-- retry time, a job of the unit is running): the claim passes over such units, and the reaper's
-- repair (sql/queries/repair_unit_turns_*.sql) clears flags that no pending job backs and sets
-- any that are missing, as a safety net.
--
-- Races. The insert trigger takes the unit's row lock (an upsert that always updates), and the
-- claim locks unit rows with SKIP LOCKED: a claim never clears the flag of a unit whose new job
-- is not yet committed, so a job inserted while its unit's running job ends is never left
-- without a waiting unit. A multi-row insert locks its units in unit_id order; a batch of
-- completions locks, row by row, only the units that still have pending jobs. The two can
-- deadlock only when an insert of several units' jobs meets a batch completing jobs of two of
-- the same units; PostgreSQL then aborts one of them, and the worker retries its completion.

alter table import_private.unit_claims alter column last_claimed_at drop not null;
alter table import_private.unit_claims add column if not exists waiting boolean not null default false;
alter table import_private.unit_claims add column if not exists waiting_since timestamptz;

comment on table import_private.unit_claims is
    'The units'' turns: whether each unit waits for a worker and when it was last served; the claim serves waiting units least recently served first (round robin).';
comment on column import_private.unit_claims.last_claimed_at is
    'Time of the unit''s latest claim; null for a unit never served (those come first).';
comment on column import_private.unit_claims.waiting is
    'The unit has a pending job and (as far as the triggers know) nothing running: the claim considers it.';
comment on column import_private.unit_claims.waiting_since is
    'When the unit began to wait: orders units never served, and breaks ties.';

-- The claim's walk: waiting units in the order they are served.
create index if not exists unit_claims_waiting_idx
    on import_private.unit_claims (last_claimed_at nulls first, waiting_since, unit_id)
    where waiting;

-- A unit's oldest pending job (the claim's second step, one probe per unit it looks at). It
-- replaces import_jobs_pending_idx (pending jobs across units in insert order), which the claim
-- no longer reads: one index entry fewer for every insert.
create index if not exists import_jobs_unit_pending_idx
    on public.import_jobs (unit_id, created_at, id)
    where status = 'pending';
drop index if exists public.import_jobs_pending_idx;

-- New pending jobs: their units wait. Statement-level, so a multi-row insert makes one upsert
-- (in unit_id order). The update always happens, even when the unit was already waiting, so
-- that the row stays locked until the inserting transaction ends (see Races above).
create or replace function import_private.unit_turns_after_insert() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
begin
    insert into import_private.unit_claims as c (unit_id, waiting, waiting_since)
    select distinct i.unit_id, true, now()
    from inserted_jobs i
    where i.status = 'pending'
    order by i.unit_id
    on conflict (unit_id) do update
        set waiting = true,
            waiting_since = case when c.waiting then c.waiting_since else excluded.waiting_since end;
    return null;
end
$$;
comment on function import_private.unit_turns_after_insert() is
    'AFTER INSERT (statement) on import_jobs: the units of new pending jobs wait for a turn.';

drop trigger if exists import_jobs_unit_turns_insert on public.import_jobs;
create trigger import_jobs_unit_turns_insert
    after insert on public.import_jobs
    referencing new table as inserted_jobs
    for each statement execute function import_private.unit_turns_after_insert();

-- A unit whose running job ended, or whose job became pending again, waits again if it has a
-- pending job (behind every unit served less recently; waiting_since = now breaks ties).
-- Row-level with a WHEN clause, so the function runs only for those status changes: never for a
-- claim, a heartbeat or a progress write.
create or replace function import_private.unit_turns_after_update() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
begin
    insert into import_private.unit_claims as c (unit_id, waiting, waiting_since)
    select new.unit_id, true, now()
    where exists (
        select 1
        from public.import_jobs p
        where p.unit_id = new.unit_id
          and p.status = 'pending'
    )
    on conflict (unit_id) do update
        set waiting = true,
            waiting_since = excluded.waiting_since;
    return null;
end
$$;
comment on function import_private.unit_turns_after_update() is
    'AFTER UPDATE (row) on import_jobs: a unit whose running job ended, or whose job became pending again, waits again when it has a pending job.';

drop trigger if exists import_jobs_unit_turns_update on public.import_jobs;
create trigger import_jobs_unit_turns_update
    after update on public.import_jobs
    for each row
    when ((old.status = 'processing' and new.status <> 'processing')
          or (new.status = 'pending' and old.status <> 'pending'))
    execute function import_private.unit_turns_after_update();

-- Existing queues: every unit with a pending job and nothing running waits.
insert into import_private.unit_claims as c (unit_id, waiting, waiting_since)
select j.unit_id, true, min(j.created_at)
from public.import_jobs j
where j.status = 'pending'
  and not exists (
      select 1
      from public.import_jobs r
      where r.unit_id = j.unit_id
        and r.status = 'processing'
  )
group by j.unit_id
on conflict (unit_id) do update
    set waiting = true,
        waiting_since = excluded.waiting_since;

-- The wake-up trigger (20261129000500) is called only where it sends something: a job that
-- became pending, or a running job asked to cancel. It used to be called on every status change,
-- so each claim and each completion paid a function call per job for nothing.
drop trigger if exists import_jobs_after_update_notify on public.import_jobs;
create trigger import_jobs_after_update_notify
    after update on public.import_jobs
    for each row
    when ((new.status = 'pending' and old.status <> 'pending')
          or (new.cancel_requested_at is not null and old.cancel_requested_at is null
              and new.status = 'processing'))
    execute function import_private.import_jobs_after_update_notify();

-- updated_at: the trigger (20261129000400) runs only when the row does not already carry the
-- server time. The worker's claim and completion set updated_at = now() themselves and so skip
-- a function call per job; every other update (a leader's cancel, Studio, a writer supplying
-- another time) is stamped by the trigger as before.
drop trigger if exists import_jobs_touch_updated_at on public.import_jobs;
create trigger import_jobs_touch_updated_at
    before update on public.import_jobs
    for each row
    when (new.updated_at is distinct from now())
    execute function import_private.touch_updated_at();
