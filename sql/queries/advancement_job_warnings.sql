-- advancement_job_warnings: the warnings a job has stored, in the order they were recorded.
-- The final result is built from them, so a resumed job also reports the warnings that an
-- earlier attempt recorded in steps the resumed attempt skips.
--
-- $1 job id.
select code, coalesce(line, 0), coalesce(bsa_member_id, ''), coalesce(scout_name, ''), coalesce(item, ''),
       coalesce(version, ''), message, details, fingerprint
from public.import_job_issues
where job_id = $1
  and severity = 'warning'
order by id;
