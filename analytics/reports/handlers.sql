-- Handler scorecards: complaints closed, badly closed share, deadlines met, median time to close,
-- goodwill granted and its cost, per business, period and handler.
SELECT *
FROM handler_scorecard
ORDER BY business_id, period, badly_closed_pct DESC NULLS LAST, handler;
