-- Handler scorecards (issue 23). Views only: the analyst catalog replays this file over the lake.
-- One row per business, period (the month a complaint was last closed, 'YYYY-MM', as the ledger's
-- periods) and handler: the complaints they closed and the goodwill they granted in that period.

-- Each complaint once: opened when first opened, closed by whoever closed it last.
CREATE OR REPLACE VIEW complaint_lifecycle AS
WITH opened AS (
    SELECT business_id, complaint_id, min(occurred_at) AS opened_at,
        min(promised_deadline) AS promised_deadline
    FROM complaint_events
    WHERE type = 'complaint.opened'
    GROUP BY business_id, complaint_id
),
closed AS (
    SELECT
        business_id,
        complaint_id,
        max(occurred_at) AS closed_at,
        arg_max(handler, occurred_at) AS closed_by,
        arg_max(badly_closed, occurred_at) AS badly_closed,
        arg_max(deadline_met, occurred_at) AS deadline_met,
        arg_max(closure_grade, occurred_at) AS closure_grade
    FROM complaint_events
    WHERE type = 'complaint.closed'
    GROUP BY business_id, complaint_id
)
SELECT
    c.business_id,
    c.complaint_id,
    o.opened_at,
    c.closed_at,
    strftime(c.closed_at AT TIME ZONE 'UTC', '%Y-%m') AS period,
    coalesce(c.closed_by, '(none)') AS closed_by,
    c.badly_closed,
    c.deadline_met,
    c.closure_grade,
    -- hours from opening to closing; NULL when the opening was never seen
    round(epoch(c.closed_at - o.opened_at) / 3600.0, 2) AS hours_to_close
FROM closed AS c
LEFT JOIN opened AS o USING (business_id, complaint_id);

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
