-- generic_plan: plan the queue's hot statements once per connection, for this transaction only
-- (sent in the same round trip, before the statement it serves).
--
-- Their plans do not depend on the parameters (primary-key and index probes), and re-planning
-- them on each run (PostgreSQL plans a prepared statement's first five runs anew, on every
-- pooled connection) costs more than running them.
select set_config('plan_cache_mode', 'force_generic_plan', true);
