-- claim_job: claim up to $4 runnable pending jobs in one statement, at most one per unit,
-- taking units in turn.
--
-- $1 worker id, $2 lease seconds, $3 job types this worker handles, $4 how many jobs at most
-- (the worker's free slots).
--
-- Round robin across units: import_private.unit_claims marks the units that wait for a turn
-- (a pending job and nothing running; kept by triggers, migration 20261201001000), and its
-- partial index lists them least recently served first (a unit never served first of all, by
-- when it began to wait). The claim walks that index and takes each unit's oldest runnable job
-- (within a unit, jobs run in insert order), so two units flooding the queue cannot hold back a
-- third unit's job by more than one job's run time, and a claim reads a few index entries
-- whatever the backlog. One statement takes at most one job per unit, so a batch never breaks
-- the one-running-import-per-unit rule.
--
-- A unit is locked (SKIP LOCKED) before its job is taken: a unit another worker is claiming,
-- or whose new job is being inserted, is passed over for now. A unit with a running import is
-- passed over as well, and the partial unique index import_jobs_one_running_per_unit_key
-- enforces the rule whatever happens (the loser of a race gets a unique violation and claims
-- again). The job row is re-checked once locked (still pending), so a job cancelled meanwhile
-- is not claimed, and its unit keeps waiting.
--
-- Each claimed job comes back with its checkpoint (the resume cursor) and whether its creator
-- may still import for the unit (the roles of import_private.is_unit_leader), so the handler
-- starts without another round trip.
with candidate as (
    select head.id, head.row_ctid, t.unit_id, t.last_claimed_at, t.waiting_since
    from import_private.unit_claims t
    cross join lateral (
        -- The unit's oldest runnable job, unless the unit has a running one (both are index
        -- probes for this unit alone), with where its row is.
        select j.id, j.ctid as row_ctid
        from public.import_jobs j
        where j.unit_id = t.unit_id
          and j.status = 'pending'
          and j.run_after <= now()
          and j.type = any($3::text[])
          and not exists (
              select 1
              from public.import_jobs running
              where running.unit_id = t.unit_id
                and running.status = 'processing'
          )
        order by j.created_at, j.id
        limit 1
    ) head
    where t.waiting
    order by t.last_claimed_at nulls first, t.waiting_since, t.unit_id
    limit $4
    for update of t skip locked
),
claimed as (
    -- The rows are fetched by their ctid (a TID scan): the candidates' rows were just read, so
    -- the update needs no index probe. The ctids come from this statement's snapshot, which keeps
    -- those row versions from being pruned; a version that another transaction updated meanwhile
    -- is followed to its latest version, and the status is checked again on that one (a job
    -- cancelled meanwhile is not claimed).
    --
    -- The plan must not depend on the table's statistics: a worker's connection plans this
    -- statement once (queue_state_settings.sql) and keeps the plan, maybe from a time when the
    -- table was empty. So no other path may look cheaper than the TID scan on an empty table:
    -- sequential scans are off for this transaction (queue_state_settings.sql), and the status
    -- is compared with a subquery's value, not a constant, so that no partial index of pending
    -- jobs matches (a full scan of import_jobs_unit_pending_idx would read every pending job).
    update public.import_jobs j
    set status = 'processing',
        attempt = j.attempt + 1,
        lease_owner = $1,
        lease_token = gen_random_uuid(),
        lease_expires_at = now() + make_interval(secs => $2),
        heartbeat_at = now(),
        started_at = coalesce(j.started_at, now()),
        current_phase = 'starting',
        error_message = null,
        updated_at = now()
    where j.ctid = any (array(select candidate.row_ctid from candidate))
      and j.status = (select 'pending'::text)
    returning j.id, j.unit_id, j.created_by, j.type, j.attempt, j.max_attempts, j.lease_token,
              j.options, j.selected_scout_ids, j.created_at, j.total_items, j.processed_items,
              j.total_scouts, j.processed_scouts
),
turn as (
    -- The units served go to the back of the line; they wait again when their job ends.
    update import_private.unit_claims t
    set waiting = false,
        last_claimed_at = clock_timestamp()
    where t.unit_id = any (array(select claimed.unit_id from claimed))
)
-- The checkpoint and the creator's authority are scalar subqueries, so each is one index probe
-- per claimed job (a join could be planned as a scan of the whole checkpoints table, which keeps
-- a row per job ever run).
select c.id, c.unit_id, c.created_by, c.type, c.attempt, c.max_attempts, c.lease_token,
       c.options, c.selected_scout_ids, c.created_at, c.total_items, c.processed_items,
       c.total_scouts, c.processed_scouts,
       (
           select cp.cursor
           from public.import_job_checkpoints cp
           where cp.job_id = c.id
       ),
       exists (
           select 1
           from public.unit_memberships m
           where m.unit_id = c.unit_id
             and m.profile_id = c.created_by
             and m.status = 'active'
             and m.role in ('admin', 'treasurer', 'leader')
       )
from claimed c
join candidate on candidate.id = c.id
order by candidate.last_claimed_at nulls first, candidate.waiting_since, c.id;
