-- Handler scorecards (issue 23). Views only: the analyst catalog replays this file over the lake.
-- One row per business, period (the month a complaint was last closed, 'YYYY-MM', as the ledger's
-- periods) and handler: the complaints they closed and the goodwill they granted in that period.

-- complaint_lifecycle (each closed complaint once) is a table the sink keeps up to date:
-- analytics/sql/25_aggregates.sql.

CREATE OR REPLACE VIEW handler_scorecard AS
WITH closing AS (
    SELECT
        business_id,
        period,
        closed_by AS handler,
        count(*) AS complaints_closed,
        count(*) FILTER (WHERE badly_closed) AS badly_closed,
        count(*) FILTER (WHERE deadline_met IS NOT NULL) AS with_deadline,
        count(*) FILTER (WHERE deadline_met) AS deadlines_met,
        median(hours_to_close) AS median_hours_to_close
    FROM complaint_lifecycle
    GROUP BY ALL
),
granting AS (
    SELECT
        business_id,
        period,
        coalesce(granted_by, '(none)') AS handler,
        count(*) FILTER (WHERE state <> 'reversed') AS concessions_granted,
        count(*) FILTER (WHERE state = 'reversed') AS concessions_reversed,
        coalesce(sum(net_cost_budget), 0) AS concessions_cost
    FROM ledger_concessions
    GROUP BY ALL
)
SELECT
    coalesce(c.business_id, g.business_id) AS business_id,
    coalesce(c.period, g.period) AS period,
    coalesce(c.handler, g.handler) AS handler,
    coalesce(c.complaints_closed, 0) AS complaints_closed,
    coalesce(c.badly_closed, 0) AS badly_closed,
    CASE WHEN c.complaints_closed > 0
        THEN round(100.0 * c.badly_closed / c.complaints_closed, 1) END AS badly_closed_pct,
    coalesce(c.with_deadline, 0) AS with_deadline,
    coalesce(c.deadlines_met, 0) AS deadlines_met,
    CASE WHEN c.with_deadline > 0
        THEN round(100.0 * c.deadlines_met / c.with_deadline, 1) END AS deadlines_met_pct,
    round(c.median_hours_to_close, 1) AS median_hours_to_close,
    coalesce(g.concessions_granted, 0) AS concessions_granted,
    coalesce(g.concessions_reversed, 0) AS concessions_reversed,
    coalesce(g.concessions_cost, 0) AS concessions_cost,
    b.currency
FROM closing AS c
FULL OUTER JOIN granting AS g
    ON g.business_id = c.business_id AND g.period = c.period AND g.handler = c.handler
LEFT JOIN budget_status AS b
    ON b.business_id = coalesce(c.business_id, g.business_id)
    AND b.period = coalesce(c.period, g.period);
