-- Heartbeats become HOT updates.
--
-- A heartbeat only moves lease_expires_at and heartbeat_at (and the trigger's updated_at). An
-- index on lease_expires_at made every heartbeat a non-HOT update: a new index entry in every
-- index of the table and a full new tuple version elsewhere on disk, plus the WAL for all of it.
-- No index names those columns any more, so PostgreSQL can update the row in place on its page
-- (heap-only tuple) when the page has room.
--
-- The reaper still finds expired leases quickly: running jobs are few (at most one per unit and
-- bounded by the workers' concurrency) and import_jobs_one_running_per_unit_key is a partial
-- index over exactly those rows (status = 'processing'); reap_expired filters them on
-- lease_expires_at.
drop index if exists public.import_jobs_lease_idx;

-- Room on each page for the in-place versions of heartbeats and progress writes: without free
-- space on the row's page an update cannot be HOT. Applies to pages written from now on.
alter table public.import_jobs set (fillfactor = 70);
