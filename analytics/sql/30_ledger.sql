-- Goodwill ledger marts: the refund budget by business and period (with breakdowns by category,
-- handler and location), policy exceptions, and goodwill return (did a concession remove risk?).
-- Views only, over the tables of 00_schema.sql; see docs/ledger.md. Money stays DECIMAL: shares
-- and ratios are computed in whole cents with integer arithmetic, rounded half away from zero
-- (as Python's ROUND_HALF_UP), so they agree with pipeline/ledger.py to the cent.
--
-- Conventions of ledger_entries: a grant has reverses = NULL; a reversal is a separate, negative
-- row (amount, amount_budget, cost_budget < 0) in the period of the grant it reverses, with
-- status 'reversed-paid' or 'reversed-committed'. Budget figures use cost_budget (the cost to the
-- business, in the budget currency).

-- One row per concession granted, with its reversal (if any) and its net cost.
CREATE OR REPLACE VIEW ledger_concessions AS
SELECT
    g.business_id,
    g.period,
    g.event_id AS concession_id,
    g.occurred_at AS granted_at,
    g.kind,
    g.category,
    g.customer_id,
    g.granted_by,
    g.location_id,
    g.complaint_id,
    g.currency,
    g.amount,
    g.fx_rate,
    g.amount_budget,
    g.cost_budget,
    CASE WHEN r.event_id IS NOT NULL THEN 'reversed' ELSE g.status END AS state,
    g.status = 'paid' AS paid,
    r.event_id AS reversed_by,
    r.occurred_at AS reversed_at,
    g.amount_budget + coalesce(r.amount_budget, 0) AS net_amount_budget,
    g.cost_budget + coalesce(r.cost_budget, 0) AS net_cost_budget
FROM ledger_entries AS g
LEFT JOIN ledger_entries AS r
    ON r.business_id = g.business_id AND r.reverses = g.event_id
WHERE g.reverses IS NULL;

-- Budget per business and period: spent / committed from the entries themselves, next to the
-- budget, burn rate and forecast the pipeline computed at the last ledger change (`as_of`).
CREATE OR REPLACE VIEW ledger_budget AS
WITH usage AS (
    SELECT
        business_id,
        period,
        sum(cost_budget) FILTER (WHERE status IN ('paid', 'reversed-paid')) AS spent,
        sum(cost_budget) FILTER (WHERE status IN ('committed', 'reversed-committed'))
            AS committed,
        sum(cost_budget) FILTER (WHERE reverses IS NULL) AS granted,
        -sum(cost_budget) FILTER (WHERE reverses IS NOT NULL) AS reversed,
        count(*) FILTER (WHERE reverses IS NULL) AS concessions,
        count(*) FILTER (WHERE reverses IS NOT NULL) AS reversals,
        count(DISTINCT customer_id) AS customers
    FROM ledger_entries
    GROUP BY business_id, period
)
SELECT
    coalesce(u.business_id, b.business_id) AS business_id,
    coalesce(u.period, b.period) AS period,
    b.currency,
    b.budget,
    coalesce(u.spent, 0) AS spent,
    coalesce(u.committed, 0) AS committed,
    b.budget - coalesce(u.spent, 0) - coalesce(u.committed, 0) AS remaining,
    b.used_pct,
    b.burn_per_day,
    b.runs_out_on,
    b.period_ends_on,
    b.runs_out_on IS NOT NULL AND b.runs_out_on < b.period_ends_on AS runs_out_before_period_end,
    coalesce(u.spent, 0) + coalesce(u.committed, 0) > b.budget AS over_budget,
    coalesce(u.granted, 0) AS granted,
    coalesce(u.reversed, 0) AS reversed,
    coalesce(u.concessions, 0) AS concessions,
    coalesce(u.reversals, 0) AS reversals,
    coalesce(u.customers, 0) AS customers,
    b.as_of
FROM usage AS u
FULL OUTER JOIN budget_status AS b
    ON b.business_id = u.business_id AND b.period = u.period;

-- The same figures broken down: dimension is 'category', 'handler', 'location' or 'kind'.
-- A reversal counts against the values of the concession it reverses. share_pct is of the
-- period's spent + committed.
CREATE OR REPLACE VIEW ledger_budget_breakdown AS
WITH entries AS (
    SELECT
        business_id,
        period,
        coalesce(category, kind) AS category,
        coalesce(granted_by, '(none)') AS handler,
        coalesce(location_id, '(none)') AS location,
        kind,
        customer_id,
        reverses,
        cost_budget,
        status IN ('paid', 'reversed-paid') AS is_paid
    FROM ledger_entries
),
long AS (
    SELECT business_id, period, 'category' AS dimension, category AS value, * EXCLUDE
        (business_id, period, category, handler, location, kind)
    FROM entries
    UNION ALL
    SELECT business_id, period, 'handler', handler, * EXCLUDE
        (business_id, period, category, handler, location, kind)
    FROM entries
    UNION ALL
    SELECT business_id, period, 'location', location, * EXCLUDE
        (business_id, period, category, handler, location, kind)
    FROM entries
    UNION ALL
    SELECT business_id, period, 'kind', kind, * EXCLUDE
        (business_id, period, category, handler, location, kind)
    FROM entries
),
grouped AS (
    SELECT
        business_id,
        period,
        dimension,
        value,
        coalesce(sum(cost_budget) FILTER (WHERE is_paid), 0) AS spent,
        coalesce(sum(cost_budget) FILTER (WHERE NOT is_paid), 0) AS committed,
        sum(cost_budget) AS consumed,
        count(*) FILTER (WHERE reverses IS NULL) AS concessions,
        count(*) FILTER (WHERE reverses IS NOT NULL) AS reversals,
        count(DISTINCT customer_id) AS customers
    FROM long
    GROUP BY business_id, period, dimension, value
)
SELECT
    *,
    -- consumed / period total, in hundredths of a percent, rounded half away from zero
    CASE WHEN sum(consumed) OVER w > 0 THEN
        sign(consumed) * (
            (2 * abs(CAST(consumed * 100 AS HUGEINT)) * 10000
                + CAST(sum(consumed) OVER w * 100 AS HUGEINT))
            // (2 * CAST(sum(consumed) OVER w * 100 AS HUGEINT))
        ) * 0.01
    END AS share_pct
FROM grouped
WINDOW w AS (PARTITION BY business_id, period, dimension);

CREATE OR REPLACE VIEW ledger_budget_by_category AS
SELECT * EXCLUDE (dimension, value), value AS category
FROM ledger_budget_breakdown WHERE dimension = 'category';

CREATE OR REPLACE VIEW ledger_budget_by_handler AS
SELECT * EXCLUDE (dimension, value), value AS granted_by
FROM ledger_budget_breakdown WHERE dimension = 'handler';

CREATE OR REPLACE VIEW ledger_budget_by_location AS
SELECT * EXCLUDE (dimension, value), value AS location_id
FROM ledger_budget_breakdown WHERE dimension = 'location';

-- Each customer's goodwill per period (reversed concessions excluded), for the per-customer cap,
-- with re-shipments at our cost counted over the customer's whole history (three strikes).
CREATE OR REPLACE VIEW ledger_customer_goodwill AS
WITH per_period AS (
    SELECT
        business_id,
        customer_id,
        period,
        count(*) FILTER (WHERE state <> 'reversed') AS concessions,
        coalesce(sum(net_amount_budget), 0) AS goodwill_amount,
        coalesce(sum(net_cost_budget), 0) AS goodwill_cost,
        count(*) FILTER (WHERE state <> 'reversed' AND kind IN ('reship_free', 'replacement'))
            AS reships
    FROM ledger_concessions
    GROUP BY business_id, customer_id, period
),
exceptions AS (
    SELECT business_id, period, substr(customer_key, length(business_id) + 2) AS customer_id,
        count(*) AS policy_exceptions,
        list(DISTINCT rule ORDER BY rule) AS rules_broken
    FROM policy_exceptions
    GROUP BY ALL
)
SELECT
    p.*,
    sum(p.reships) OVER (
        PARTITION BY p.business_id, p.customer_id ORDER BY p.period
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    )::BIGINT AS reships_to_date,
    coalesce(e.policy_exceptions, 0) AS policy_exceptions,
    coalesce(e.rules_broken, []) AS rules_broken
FROM per_period AS p
LEFT JOIN exceptions AS e
    ON e.business_id = p.business_id AND e.period = p.period AND e.customer_id = p.customer_id;

-- Policy exceptions with the concession they flag (its amount, cost, whether it was reversed).
CREATE OR REPLACE VIEW ledger_policy_exceptions AS
SELECT
    x.business_id,
    x.period,
    x.occurred_at,
    x.rule,
    x.detail,
    x.granted_by,
    x.kind,
    x.customer_key,
    x.event_id AS concession_id,
    c.location_id,
    c.complaint_id,
    c.amount,
    c.currency,
    c.amount_budget,
    c.cost_budget,
    c.state
FROM policy_exceptions AS x
LEFT JOIN ledger_concessions AS c
    ON c.business_id = x.business_id AND c.concession_id = x.event_id;

-- Exceptions per business, period, rule and who granted them.
CREATE OR REPLACE VIEW ledger_policy_exceptions_summary AS
SELECT
    business_id,
    period,
    rule,
    granted_by,
    count(*) AS exceptions,
    count(DISTINCT customer_key) AS customers,
    coalesce(sum(amount_budget), 0) AS amount_budget,
    coalesce(sum(cost_budget) FILTER (WHERE state <> 'reversed'), 0) AS cost_budget_kept
FROM ledger_policy_exceptions
GROUP BY ALL;

-- Goodwill return per concession tied to a complaint (reversed concessions excluded): the
-- complaint's revenue at risk before and after it was closed, and this concession's share of
-- the risk removed (by net cost; equal shares when all cost nothing; the rounding remainder goes
-- to the last concession by id), so per-period sums count each complaint once.
-- Open complaints have closed = false and no return yet.
CREATE OR REPLACE VIEW goodwill_concessions AS
WITH closed AS (
    SELECT
        business_id,
        complaint_id,
        arg_max(revenue_at_risk_before, occurred_at) AS risk_before,
        arg_max(revenue_at_risk_after, occurred_at) AS risk_after,
        arg_max(handler, occurred_at) AS closed_by,
        arg_max(closure_grade, occurred_at) AS closure_grade,
        max(occurred_at) AS closed_at
    FROM complaint_events
    WHERE type = 'complaint.closed'
    GROUP BY business_id, complaint_id
),
tied AS (
    SELECT
        c.*,
        k.risk_before,
        k.risk_after,
        k.closed_by,
        k.closure_grade,
        k.closed_at,
        k.complaint_id IS NOT NULL
            AND k.risk_before IS NOT NULL AND k.risk_after IS NOT NULL AS closed,
        k.risk_before - k.risk_after AS complaint_risk_removed,
        CAST((k.risk_before - k.risk_after) * 100 AS HUGEINT) AS removed_c,
        -- weights in cents: net cost, or 1 each when the complaint's concessions cost nothing
        CASE WHEN sum(c.net_cost_budget) OVER p > 0 THEN CAST(c.net_cost_budget * 100 AS HUGEINT)
            ELSE 1 END AS weight,
        CASE WHEN sum(c.net_cost_budget) OVER p > 0
            THEN CAST(sum(c.net_cost_budget) OVER p * 100 AS HUGEINT)
            ELSE count(*) OVER p END AS total_weight,
        row_number() OVER (PARTITION BY c.business_id, c.complaint_id
            ORDER BY c.concession_id DESC) = 1 AS last_of_complaint
    FROM ledger_concessions AS c
    LEFT JOIN closed AS k
        ON k.business_id = c.business_id AND k.complaint_id = c.complaint_id
    WHERE c.complaint_id IS NOT NULL AND c.state <> 'reversed'
    WINDOW p AS (PARTITION BY c.business_id, c.complaint_id)
),
shared AS (
    SELECT
        *,
        -- removed x weight / total weight, in cents, rounded half away from zero
        CASE WHEN closed THEN sign(removed_c * weight)
            * ((2 * abs(removed_c * weight) + total_weight) // (2 * total_weight)) END
            AS share_c
    FROM tied
)
SELECT
    business_id,
    period,
    concession_id,
    complaint_id,
    kind,
    category,
    customer_id,
    granted_by,
    location_id,
    granted_at,
    net_cost_budget AS cost,
    closed,
    closed_at,
    closed_by,
    closure_grade,
    risk_before,
    risk_after,
    complaint_risk_removed,
    CASE WHEN NOT closed THEN NULL
        WHEN last_of_complaint THEN CAST(
            (removed_c - (sum(share_c) OVER p - share_c)) * 0.01 AS DECIMAL(18, 2))
        ELSE CAST(share_c * 0.01 AS DECIMAL(18, 2))
    END AS risk_removed,
    CASE WHEN closed THEN complaint_risk_removed <= 0 END AS removed_no_risk
FROM shared
WINDOW p AS (PARTITION BY business_id, complaint_id);

-- Per business and period: goodwill spent on complaints vs the revenue at risk it removed.
-- return_ratio = risk removed / goodwill spent on closed complaints (NULL when nothing spent).
CREATE OR REPLACE VIEW goodwill_return AS
WITH totals AS (
    SELECT
        business_id,
        period,
        sum(cost) AS goodwill_spent,
        coalesce(sum(cost) FILTER (WHERE closed), 0) AS closed_spent,
        coalesce(sum(risk_removed) FILTER (WHERE closed), 0) AS risk_removed,
        count(*) AS concessions,
        count(*) FILTER (WHERE NOT closed) AS open_concessions,
        count(*) FILTER (WHERE removed_no_risk) AS no_risk_removed,
        coalesce(sum(cost) FILTER (WHERE removed_no_risk), 0) AS spent_without_return
    FROM goodwill_concessions
    GROUP BY business_id, period
)
SELECT
    *,
    risk_removed - closed_spent AS net_return,
    CASE WHEN closed_spent > 0 THEN
        sign(risk_removed) * (
            (2 * abs(CAST(risk_removed * 100 AS HUGEINT)) * 100
                + CAST(closed_spent * 100 AS HUGEINT))
            // (2 * CAST(closed_spent * 100 AS HUGEINT))
        ) * 0.01
    END AS return_ratio
FROM totals;

-- The same, by who granted the goodwill: whose concessions pay off.
CREATE OR REPLACE VIEW goodwill_return_by_handler AS
SELECT
    business_id,
    period,
    granted_by,
    sum(cost) AS goodwill_spent,
    coalesce(sum(cost) FILTER (WHERE closed), 0) AS closed_spent,
    coalesce(sum(risk_removed) FILTER (WHERE closed), 0) AS risk_removed,
    coalesce(sum(risk_removed) FILTER (WHERE closed), 0)
        - coalesce(sum(cost) FILTER (WHERE closed), 0) AS net_return,
    count(*) AS concessions,
    count(*) FILTER (WHERE removed_no_risk) AS no_risk_removed
FROM goodwill_concessions
GROUP BY business_id, period, granted_by;

-- Concessions whose complaint closed without removing any revenue at risk (or with more risk
-- than before): goodwill that did not pay, largest first.
CREATE OR REPLACE VIEW goodwill_no_return AS
SELECT *
FROM goodwill_concessions
WHERE removed_no_risk
ORDER BY business_id, period, cost DESC, concession_id;
