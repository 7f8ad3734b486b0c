-- Share of complaints each handler closed badly, for one business ($business).
SELECT
    coalesce(handler, '(no handler)') AS handler,
    count(*) AS closed,
    count(*) FILTER (WHERE badly_closed) AS badly_closed,
    100.0 * count(*) FILTER (WHERE badly_closed) / count(*) AS share_pct
FROM complaints_closed
WHERE business_id = $business
GROUP BY 1
ORDER BY share_pct DESC, closed DESC, handler;
