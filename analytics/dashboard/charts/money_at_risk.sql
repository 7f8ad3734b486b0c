-- Money at risk over time for one business ($business): at the end of each day, the sum of
-- every customer's latest revenue at risk (risk_history holds every change).
WITH days AS (
    SELECT CAST(unnest(generate_series(
        min(CAST(timezone('UTC', occurred_at) AS DATE)),
        max(CAST(timezone('UTC', occurred_at) AS DATE)),
        INTERVAL 1 DAY
    )) AS DATE) AS day
    FROM risk_history
    WHERE business_id = $business
),
latest AS (
    SELECT days.day, h.customer_key, h.revenue_at_risk, h.currency
    FROM days
    JOIN risk_history AS h
        ON h.business_id = $business AND CAST(timezone('UTC', h.occurred_at) AS DATE) <= days.day
    QUALIFY row_number() OVER (
        PARTITION BY days.day, h.customer_key ORDER BY h.occurred_at DESC, h.event_id DESC
    ) = 1
)
SELECT day, sum(coalesce(revenue_at_risk, 0)) AS revenue_at_risk, max(currency) AS currency
FROM latest
GROUP BY day
ORDER BY day;
