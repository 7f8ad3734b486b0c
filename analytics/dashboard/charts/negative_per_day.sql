-- Negative reviews per day for one business ($business), and whether a negative-spike alert
-- was raised that day (the chart marks those days).
WITH spikes AS (
    SELECT DISTINCT CAST(timezone('UTC', created_at) AS DATE) AS day
    FROM alerts
    WHERE rule = 'negative_spike' AND business_id = $business
)
SELECT
    d.day,
    sum(d.negative) AS negative,
    sum(d.reviews) AS reviews,
    bool_or(s.day IS NOT NULL) AS spike
FROM daily_reviews AS d
LEFT JOIN spikes AS s ON s.day = d.day
WHERE d.business_id = $business
GROUP BY d.day
ORDER BY d.day;
