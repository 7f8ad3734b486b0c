-- Refund budget burn-down for one business ($business) in its latest period: what is left at
-- the end of each day from the period's first day to its last entry, with the budget, the
-- forecast day it runs out and the period's end (repeated on every row).
WITH b AS (
    SELECT * FROM budget_status WHERE business_id = $business ORDER BY period DESC LIMIT 1
),
used AS (
    SELECT CAST(timezone('UTC', e.occurred_at) AS DATE) AS day, sum(e.cost_budget) AS cost
    FROM ledger_entries AS e, b
    WHERE e.business_id = b.business_id AND e.period = b.period
    GROUP BY 1
),
days AS (
    SELECT CAST(unnest(generate_series(
        CAST(b.period || '-01' AS DATE), (SELECT max(day) FROM used), INTERVAL 1 DAY
    )) AS DATE) AS day
    FROM b
)
SELECT
    days.day,
    b.budget - sum(coalesce(used.cost, 0)) OVER (ORDER BY days.day) AS remaining,
    b.budget,
    b.currency,
    b.period,
    b.period_ends_on,
    b.runs_out_on
FROM days
CROSS JOIN b
LEFT JOIN used ON used.day = days.day
ORDER BY days.day;
