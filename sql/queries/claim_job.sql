-- claim_job: claim the oldest runnable pending job in one statement.
--
-- $1 worker id, $2 lease seconds, $3 job types this worker handles.
-- FIFO across units (created_at); a unit that already has a running import is skipped, and
-- the partial unique index import_jobs_one_running_per_unit_key enforces that rule even when
-- two workers race (the loser gets a unique violation and claims again). SKIP LOCKED lets
-- concurrent workers pass over each other's candidates instead of waiting.
with candidate as (
    select j.id
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
    order by j.created_at, j.id
    limit 1
    for update skip locked
)
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
          j.total_scouts, j.processed_scouts;
