-- Open alerts: badly closed complaints first, then by severity and money at risk.
SELECT
    strftime(created_at, '%Y-%m-%d %H:%M') AS created,
    severity,
    rule,
    business_id AS business,
    title,
    CASE WHEN revenue_at_risk > 0 THEN revenue_at_risk || ' ' || currency END AS at_risk,
    explanation
FROM alerts
WHERE state <> 'resolved'
ORDER BY
    rule = 'badly_closed' DESC,
    CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
    revenue_at_risk DESC NULLS LAST,
    created_at
LIMIT $limit;
