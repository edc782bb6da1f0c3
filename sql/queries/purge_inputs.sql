-- purge_inputs: drop the large inputs of old finished jobs (the row and its result stay).
--
-- $1 retention for completed jobs (seconds), $2 retention for failed and cancelled jobs
-- (seconds; these can be retried until their input is purged). Never touches a pending or
-- running job.
update public.import_jobs
set input_csv = null,
    staged_data = null,
    input_purged_at = now()
where input_purged_at is null
  and (
      (status = 'completed' and completed_at < now() - make_interval(secs => $1))
      or (status in ('failed', 'cancelled') and completed_at < now() - make_interval(secs => $2))
  )
returning id;
