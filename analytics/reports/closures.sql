-- Closure quality by business and handler.
SELECT business_id, handler, sum(closed) AS closed, sum(badly_closed) AS badly_closed,
       round(avg(avg_closure_score), 1) AS avg_score, sum(revenue_at_risk_removed) AS risk_removed
FROM daily_closures
GROUP BY ALL
ORDER BY badly_closed DESC, closed DESC;
