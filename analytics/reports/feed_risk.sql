-- The terminal feed's risk table: few columns, human labels, money with its currency.
SELECT
    rank AS "#",
    coalesce(handle, customer_id, customer_key) AS "Customer",
    business_id AS "Business",
    round(risk_score)::INTEGER AS "Risk",
    format('{:,.0f} {}', revenue_at_risk, currency) AS "Money at risk",
    -- the two factors that weigh most (the full list: `repute report risk_feed`)
    array_to_string(
        list_slice(string_split(regexp_replace(explanation, '^score [0-9]+: ', ''), ', '), 1, 2),
        ', '
    ) AS "Why"
FROM risk_feed_ranked
ORDER BY rank
LIMIT $limit;
