-- advancement_insert_issues: store a job's warnings and rejected rows. A resumed job that
-- finds the same issue again (same fingerprint) stores nothing new.
--
-- $1 job id, $2 unit id, then one array per column: $3 severities, $4 codes, $5 lines (0 =
-- none), $6 BSA member ids, $7 scout names, $8 items, $9 versions, $10 messages, $11 details
-- (jsonb text), $12 fingerprints.
insert into public.import_job_issues
    (job_id, unit_id, severity, code, line, bsa_member_id, scout_name, item, version, message, details, fingerprint)
select $1, $2, v.severity, v.code, nullif(v.line, 0), nullif(v.bsa_member_id, ''), nullif(v.scout_name, ''),
       nullif(v.item, ''), nullif(v.version, ''), v.message, v.details::jsonb, v.fingerprint
from unnest($3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::text[], $11::text[], $12::text[])
     as v(severity, code, line, bsa_member_id, scout_name, item, version, message, details, fingerprint)
on conflict (job_id, fingerprint) do nothing;
