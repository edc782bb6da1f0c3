-- queue_state_settings: the transaction settings of the claim and of the completion, sent in the
-- same round trip before the statement.
--
-- plan_cache_mode: plan each statement once per connection. Their plans do not depend on the
-- parameters (primary-key and index probes), and re-planning them on each run (PostgreSQL plans a
-- prepared statement's first five runs anew, on every pooled connection) costs more than running
-- them.
--
-- enable_seqscan off: as each plan is kept for the connection's life, it must not depend on the
-- statistics of the moment it was made (an empty table makes a scan look free). Both statements
-- read a few rows through indexes or by ctid, never a whole table.
--
-- synchronous_commit off: the commit does not wait for its WAL to reach disk. These two writes
-- only move a job between queue states, and losing one in a database crash is safe:
--   * a lost claim makes the job pending again, and it runs again;
--   * a lost completion leaves the job processing under an expired lease; the reaper hands it
--     back and it runs again, resuming from its last checkpoint (every handler is idempotent).
-- PostgreSQL writes WAL in order, so a crash loses only the latest such commits, never one
-- before a durable commit: the job's own chunk writes (and any other fsynced commit) flush them,
-- and the WAL writer flushes them within wal_writer_delay. Realtime decodes only flushed WAL, so
-- a browser never sees a completion that could still be lost.
select set_config('plan_cache_mode', 'force_generic_plan', true),
       set_config('enable_seqscan', 'off', true),
       set_config('synchronous_commit', 'off', true);
