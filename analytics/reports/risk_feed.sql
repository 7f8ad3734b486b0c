-- The reputation-risk feed: who can hurt the business most, right now, and why.
SELECT
    rank,
    business_id,
    coalesce(handle, customer_id, customer_key) AS customer,
    author_kind,
    audience_size,
    risk_score,
    peak_risk_score,
    customers_at_risk,
    revenue_at_risk,
    currency,
    open_complaints,
    badly_closed_complaints,
    explanation
FROM risk_feed_ranked
ORDER BY rank
LIMIT $limit;
