-- claim_settings: the claim's transaction settings, sent in the same round trip before it.
--
-- As generic_plan, and the claim commits without waiting for its WAL to reach disk: a claim
-- lost in a crash only makes the job pending again, and the job's first durable write flushes
-- the claim's WAL anyway (see store.claim).
select set_config('plan_cache_mode', 'force_generic_plan', true),
       set_config('synchronous_commit', 'off', true);
