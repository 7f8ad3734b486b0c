-- Alert views (issue 8). Views only: the catalog for analysts replays this file over Parquet.
-- The alert state owners change (`repute ack` / `repute resolve`) lives in the outbox file
-- (<db>.outbox.sqlite) and is mirrored into alerts.state when the DuckDB file is free.

-- The on-call list: badly closed complaints first, then severity and money at risk.
CREATE OR REPLACE VIEW alerts_ranked AS
SELECT
    row_number() OVER (
        ORDER BY
            rule = 'badly_closed' DESC,
            CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
            revenue_at_risk DESC NULLS LAST,
            created_at,
            alert_id
    ) AS rank,
    *
FROM alerts
WHERE coalesce(state, 'open') <> 'resolved';

-- Alert volume by business, rule, severity and day: how much an on-call person receives.
CREATE OR REPLACE VIEW alerts_daily AS
SELECT
    business_id,
    CAST(created_at AT TIME ZONE 'UTC' AS DATE) AS day,
    rule,
    severity,
    count(*) AS alerts,
    count(*) FILTER (WHERE coalesce(state, 'open') = 'open') AS still_open,
    sum(revenue_at_risk) AS revenue_at_risk
FROM alerts
GROUP BY ALL;

-- Badly closed complaints with what the on-call needs, one row each (from the alert facts).
CREATE OR REPLACE VIEW badly_closed_alerts AS
SELECT
    alert_id,
    business_id,
    created_at,
    severity,
    coalesce(state, 'open') AS state,
    json_extract_string(facts, '$.complaint_id') AS complaint_id,
    json_extract_string(facts, '$.handler') AS handler,
    revenue_at_risk,
    currency,
    json_extract_string(facts, '$.customer_last_words') AS customer_last_words,
    next_step,
    explanation
FROM alerts
WHERE rule = 'badly_closed';
