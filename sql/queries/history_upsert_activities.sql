-- history_upsert_activities: record the activity totals of a history report (camping nights,
-- service hours, hiking miles).
--
-- The report only gives running totals, so each total is stored as ONE entry per (scout,
-- type), keyed by source_key 'scoutbook_history:<type>', and upserted: a re-import of the
-- same report changes nothing, and a later report with a new total replaces the quantity
-- (and date and description) with the new total. Totals are never added to what is stored
-- (the reference app inserted "today + the total" on every import). A zero total creates no
-- entry but does update an existing one.
--
-- $1 scout id, $2 activity types, $3 quantities (numeric as text), $4 the report's date,
-- $5 descriptions. Returns inserted, updated and unchanged counts.
with input as (
    select v.activity_type, v.quantity::numeric as quantity, v.description,
           'scoutbook_history:' || v.activity_type as source_key
    from unnest($2::text[], $3::text[], $5::text[]) as v(activity_type, quantity, description)
),
written as (
    insert into public.scout_activity_entries as e
        (scout_id, activity_type, quantity, activity_date, source, source_key, description)
    select $1, i.activity_type, i.quantity, $4::date, 'scoutbook_history', i.source_key, i.description
    from input i
    where i.quantity > 0
       or exists (select 1 from public.scout_activity_entries x where x.scout_id = $1 and x.source_key = i.source_key)
    on conflict (scout_id, source_key) do update
    set quantity = excluded.quantity,
        activity_date = excluded.activity_date,
        description = excluded.description
    where e.quantity is distinct from excluded.quantity
    returning (xmax = 0) as inserted
)
select (select count(*) from written where inserted) as inserted,
       (select count(*) from written where not inserted) as updated,
       (select count(*) from input i
        join public.scout_activity_entries x on x.scout_id = $1 and x.source_key = i.source_key
        where x.quantity = i.quantity) as unchanged;
