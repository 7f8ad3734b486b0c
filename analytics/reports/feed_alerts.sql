-- The terminal feed's open alerts: badly closed complaints first, then by severity and money.
SELECT
    CASE severity WHEN 'critical' THEN 'CRITICAL' ELSE severity END AS "Severity",
    business_id AS "Business",
    title AS "What happened",
    CASE WHEN revenue_at_risk > 0 THEN format('{:,.0f} {}', revenue_at_risk, currency) END
        AS "At risk",
    count(*) OVER () AS open_alerts
FROM alerts
WHERE state <> 'resolved'
ORDER BY
    rule = 'badly_closed' DESC,
    CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
    revenue_at_risk DESC NULLS LAST,
    created_at
LIMIT $limit;
