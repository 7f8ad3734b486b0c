-- The reputation-risk feed: who can hurt the business most, right now, and why.
SELECT
    rank AS "#",
    business_id AS business,
    coalesce(handle, customer_id, customer_key) AS customer,
    author_kind AS kind,
    audience_size AS audience,
    risk_score AS risk,
    peak_risk_score AS peak,
    customers_at_risk AS customers_lost,
    revenue_at_risk || ' ' || currency AS revenue_at_risk,
    explanation AS why
FROM risk_feed_ranked
ORDER BY rank
LIMIT $limit;
