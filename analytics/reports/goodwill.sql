-- Goodwill return: concessions against the revenue at risk their complaints' closing removed.
SELECT *
FROM goodwill_return
ORDER BY business_id, period;
