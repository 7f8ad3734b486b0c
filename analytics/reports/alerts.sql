-- Open alerts: badly closed complaints first, then by severity and money at risk.
SELECT
    created_at,
    severity,
    rule,
    business_id,
    title,
    revenue_at_risk,
    currency,
    explanation,
    state,
    alert_id
FROM alerts
WHERE state <> 'resolved'
ORDER BY
    rule = 'badly_closed' DESC,
    CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
    revenue_at_risk DESC NULLS LAST,
    created_at
LIMIT $limit;
