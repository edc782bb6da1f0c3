-- history_existing_activities: the activity totals earlier history imports stored for a
-- scout, for the dry-run preview. quantity is numeric, returned as text.
--
-- $1 scout id.
select e.activity_type, e.quantity::text
from public.scout_activity_entries e
where e.scout_id = $1
  and e.source_key = 'scoutbook_history:' || e.activity_type;
