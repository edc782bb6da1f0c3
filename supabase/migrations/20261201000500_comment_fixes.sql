-- Comments only: the import's issues and options as the worker now uses them. A readable
-- export is imported row by row: a row that cannot be used is skipped (invalid_row) and a
-- value that cannot be read is taken as empty (invalid_value), each reported; options.strict
-- refuses the whole file instead.

comment on column public.import_job_issues.severity is
    'warning: imported with a caveat, or a row or value skipped; error: a problem that made the job refuse the whole file (options.strict).';
comment on column public.import_job_issues.code is
    'Machine-readable type, e.g. invalid_row (a row skipped), invalid_value (a value read as empty, the row imported), '
    'unknown_merit_badge, requirement_not_found, report_line_ignored, version_fallback.';
comment on column public.import_job_issues.item is
    'Rank, badge or requirement concerned, as in the file; for invalid_row and invalid_value, the column of the value.';
comment on column public.import_jobs.options is
    'Job options, e.g. {"dryRun": true, "createUnmatchedScouts": true, "strict": false, "scoutId": "<uuid>"}; '
    'strict: refuse the whole file when a row has a problem, instead of skipping the row and reporting it.';
