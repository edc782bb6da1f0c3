-- claim_job: claim the next runnable pending job in one statement, taking units in turn.
--
-- $1 worker id, $2 lease seconds, $3 job types this worker handles.
--
-- Round robin across units: the candidate is the oldest job of the unit served least recently
-- (import_private.unit_claims; a unit never served comes first), so two units flooding the
-- queue cannot hold back a third unit's job by more than one job's run time. Within a unit,
-- jobs run in insert order (created_at).
--
-- A unit that already has a running import is skipped, and the partial unique index
-- import_jobs_one_running_per_unit_key enforces that rule even when two workers race (the
-- loser gets a unique violation and claims again). SKIP LOCKED lets concurrent workers pass
-- over each other's candidates instead of waiting. Pending jobs are bounded by the per-unit
-- quota (20 per unit by default), so sorting them all stays cheap.
with candidate as (
    select j.id
    from public.import_jobs j
    left join import_private.unit_claims served on served.unit_id = j.unit_id
    where j.status = 'pending'
      and j.run_after <= now()
      and j.type = any($3::text[])
      and not exists (
          select 1
          from public.import_jobs running
          where running.unit_id = j.unit_id
            and running.status = 'processing'
      )
    order by served.last_claimed_at nulls first, j.created_at, j.id
    limit 1
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
              j.total_scouts, j.processed_scouts
),
turn as (
    -- The unit goes to the back of the line.
    insert into import_private.unit_claims (unit_id, last_claimed_at)
    select unit_id, clock_timestamp() from claimed
    on conflict (unit_id) do update set last_claimed_at = excluded.last_claimed_at
)
select id, unit_id, created_by, type, attempt, max_attempts, lease_token,
       options, selected_scout_ids, created_at, total_items, processed_items,
       total_scouts, processed_scouts
from claimed;
