-- claim_job: claim up to $4 runnable pending jobs in one statement, at most one per unit,
-- taking units in turn.
--
-- $1 worker id, $2 lease seconds, $3 job types this worker handles, $4 how many jobs at most
-- (the worker's free slots).
--
-- Round robin across units: each unit offers its oldest runnable job (within a unit, jobs run
-- in insert order, created_at), and units are served least recently served first
-- (import_private.unit_claims; a unit never served comes first), so two units flooding the
-- queue cannot hold back a third unit's job by more than one job's run time. One statement
-- takes at most one job per unit, so a batch never breaks the one-running-import-per-unit rule.
--
-- A unit that already has a running import is skipped, and the partial unique index
-- import_jobs_one_running_per_unit_key enforces that rule even when two workers race (the
-- loser gets a unique violation and claims again). The heads are chosen first without locks
-- (DISTINCT ON cannot lock) and then locked with SKIP LOCKED: a head another worker is claiming
-- is passed over, and the row is re-checked once locked (still pending), so a head claimed
-- meanwhile is not claimed twice. Pending jobs are bounded by the per-unit quota (20 per unit
-- by default), so sorting them stays cheap.
--
-- Each claimed job comes back with its checkpoint (the resume cursor), so the handler starts
-- without another round trip.
with head as (
    -- The oldest runnable job of each unit that has nothing running.
    select distinct on (j.unit_id) j.id, j.unit_id, j.created_at
    from public.import_jobs j
    where j.status = 'pending'
      and j.run_after <= now()
      and j.type = any($3::text[])
      and not exists (
          select 1
          from public.import_jobs running
          where running.unit_id = j.unit_id
            and running.status = 'processing'
      )
    order by j.unit_id, j.created_at, j.id
),
candidate as (
    select j.id, served.last_claimed_at, head.created_at
    from head
    join public.import_jobs j on j.id = head.id
    left join import_private.unit_claims served on served.unit_id = head.unit_id
    where j.status = 'pending'
    order by served.last_claimed_at nulls first, head.created_at, head.id
    limit $4
    for update of j skip locked
),
claimed as (
    update public.import_jobs j
    set status = 'processing',
        attempt = j.attempt + 1,
        lease_owner = $1,
        lease_token = gen_random_uuid(),
        lease_expires_at = now() + make_interval(secs => $2),
        heartbeat_at = now(),
        started_at = coalesce(j.started_at, now()),
        current_phase = 'starting',
        error_message = null
    from candidate
    where j.id = candidate.id
    returning j.id, j.unit_id, j.created_by, j.type, j.attempt, j.max_attempts, j.lease_token,
              j.options, j.selected_scout_ids, j.created_at, j.total_items, j.processed_items,
              j.total_scouts, j.processed_scouts, candidate.last_claimed_at
),
turn as (
    -- The units go to the back of the line.
    insert into import_private.unit_claims (unit_id, last_claimed_at)
    select unit_id, clock_timestamp() from claimed
    on conflict (unit_id) do update set last_claimed_at = excluded.last_claimed_at
)
select c.id, c.unit_id, c.created_by, c.type, c.attempt, c.max_attempts, c.lease_token,
       c.options, c.selected_scout_ids, c.created_at, c.total_items, c.processed_items,
       c.total_scouts, c.processed_scouts, cp.cursor
from claimed c
left join public.import_job_checkpoints cp on cp.job_id = c.id
order by c.last_claimed_at nulls first, c.created_at, c.id;
