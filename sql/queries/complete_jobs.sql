-- complete_jobs: mark several jobs completed with their results in one statement, each fenced
-- by its own lease.
--
-- $1 job ids, $2 their lease tokens, $3 their results (JSON text, may be null), same order.
-- Progress is set to its totals, so the bar ends at 100%. Returns the ids that were completed:
-- a job missing from the answer had lost its lease, and nothing was written for it.
update public.import_jobs j
set status = 'completed',
    result = done.result::jsonb,
    completed_at = now(),
    current_phase = 'done',
    processed_items = j.total_items,
    processed_scouts = j.total_scouts,
    error_message = null,
    lease_owner = null,
    lease_token = null,
    lease_expires_at = null,
    updated_at = now()
from unnest($1::uuid[], $2::uuid[], $3::text[]) as done (id, lease_token, result)
where j.id = any ($1::uuid[]) -- primary-key probes, whatever the statistics say
  and j.id = done.id
  and j.lease_token = done.lease_token
  and j.status = 'processing'
returning j.id;
