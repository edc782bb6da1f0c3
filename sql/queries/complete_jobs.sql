-- complete_jobs: mark several jobs completed with their results in one statement, each fenced
-- by its own lease, and give their units their next turn.
--
-- $1 job ids, $2 their lease tokens, $3 their results (JSON text, may be null), same order.
-- Progress is set to its totals, so the bar ends at 100%. Returns the ids that were completed:
-- a job missing from the answer had lost its lease, and nothing was written for it.
with completed as (
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
    -- Primary-key probes whatever the statistics say (this plan is kept per connection, maybe
    -- from a time when the table was empty): sequential scans are off for this transaction
    -- (queue_state_settings.sql), and the status is compared with a subquery's value, not a
    -- constant, so that no partial index of running jobs matches.
    where j.id = any ($1::uuid[])
      and j.id = done.id
      and j.lease_token = done.lease_token
      and j.status = (select 'processing'::text)
    returning j.id, j.unit_id
),
next_turn as (
    -- A unit whose job ended waits for a turn again, at the back of the line, when it has more
    -- pending jobs (the row trigger import_jobs_unit_turns_update does this for every other way
    -- a job stops running; migration 20261201001100). Units are locked in unit order, as an
    -- insert's trigger locks them. A job inserted after this statement began is not seen here,
    -- but its own insert marked the unit.
    insert into import_private.unit_claims as c (unit_id, waiting, waiting_since)
    select completed.unit_id, true, now()
    from completed
    where (
        -- A scalar subquery: one index probe per unit (an EXISTS could be planned as a join
        -- that reads every pending job).
        select true
        from public.import_jobs p
        where p.unit_id = completed.unit_id
          and p.status = 'pending'
        limit 1
    )
    order by completed.unit_id
    on conflict (unit_id) do update
        set waiting = true,
            waiting_since = excluded.waiting_since
)
select completed.id
from completed;
