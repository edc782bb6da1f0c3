-- advancement_job_warnings: the warnings a job has stored, for its result: the first $2 of
-- each type (code) in the order they were recorded, each with how many warnings of its type
-- there are in all. The worker never loads more than $2 per type, however many there are.
-- The final result is built from them, so a resumed job also reports the warnings that an
-- earlier attempt recorded in steps the resumed attempt skips.
--
-- $1 job id, $2 warnings per type ($2 null: all of them).
select code, coalesce(line, 0), coalesce(bsa_member_id, ''), coalesce(scout_name, ''), coalesce(item, ''),
       coalesce(version, ''), message, details, fingerprint, code_count
from (
    select i.*,
           row_number() over (partition by i.code order by i.id) as code_rank,
           count(*) over (partition by i.code) as code_count
    from public.import_job_issues i
    where i.job_id = $1
      and i.severity = 'warning'
) w
where $2::integer is null
   or code_rank <= $2
order by id;
