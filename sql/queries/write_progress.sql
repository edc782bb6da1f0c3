-- write_progress: record progress, fenced by the lease.
--
-- $1 job id, $2 lease token, $3 phase, $4 total scouts, $5 processed scouts, $6 total items,
-- $7 processed items. Counters never move backwards (greatest), so a delayed write cannot
-- make the progress bar jump back. The worker throttles these writes (about one per second
-- per job plus every phase change) because each one is a Realtime message.
update public.import_jobs
set current_phase = $3,
    total_scouts = $4,
    processed_scouts = greatest(processed_scouts, $5),
    total_items = $6,
    processed_items = greatest(processed_items, $7)
where id = $1
  and lease_token = $2
  and status = 'processing';
