-- history_upsert_leadership: record the positions of responsibility of a history report.
--
-- One row per (scout, position, start date): a position already recorded is found again, so a
-- re-import adds nothing. The only change made to an existing row is its end date, filled or
-- corrected when the report has one (a position that has ended since the last import); an end
-- date is never cleared, and an unchanged row is not rewritten. The caller de-duplicates the
-- input on (position, start date), so no row is touched twice.
--
-- $1 scout id, $2 position ids, $3 position names as printed, $4 start dates, $5 end dates
-- (null = still held or unknown). Returns inserted and updated counts.
with input as (
    select *
    from unnest($2::uuid[], $3::text[], $4::date[], $5::date[])
         as v(position_id, position_name, start_date, end_date)
),
written as (
    insert into public.scout_leadership_history as h
        (scout_id, position_id, position_name, start_date, end_date, notes)
    select $1, position_id, position_name, start_date, end_date, 'Imported from a Scoutbook history report'
    from input
    on conflict (scout_id, position_id, start_date) do update
    set end_date = excluded.end_date
    where excluded.end_date is not null
      and h.end_date is distinct from excluded.end_date
    returning (xmax = 0) as inserted
)
select count(*) filter (where inserted) as inserted,
       count(*) filter (where not inserted) as updated
from written;
