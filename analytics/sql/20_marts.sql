-- Views analysts use: only CREATE OR REPLACE VIEW here (the analyst catalog replays this file).
-- Staging views only rename and apply corrections; marts are built on them.

-- Reviews with owners' corrections applied: `label` is what every mart downstream uses.
CREATE OR REPLACE VIEW reviews AS
WITH latest_correction AS (
    SELECT target_event_id, arg_max(label, occurred_at) AS corrected_label
    FROM sentiment_corrections
    GROUP BY target_event_id
)
SELECT
    r.* EXCLUDE (label),
    coalesce(c.corrected_label, r.label) AS label,
    r.label AS scored_label,
    c.corrected_label IS NOT NULL AS corrected
FROM reviews_scored AS r
LEFT JOIN latest_correction AS c ON c.target_event_id = r.event_id;

CREATE OR REPLACE VIEW complaints_closed AS
SELECT *
FROM complaint_events
WHERE type = 'complaint.closed';

-- The reputation-risk feed, with the reasons. Within a business customers rank by revenue at
-- risk (`rank_in_business`); across businesses, whose money is in different currencies, by
-- the customers each is expected to cost (`rank`), so that 1,900 UAH does not outrank 1,800 PLN.
CREATE OR REPLACE VIEW risk_feed_ranked AS
SELECT
    row_number() OVER (ORDER BY customers_at_risk DESC, risk_score DESC, customer_key) AS rank,
    row_number() OVER (
        PARTITION BY business_id ORDER BY revenue_at_risk DESC, risk_score DESC, customer_key
    ) AS rank_in_business,
    *
FROM risk_feed
WHERE risk_score > 0;

-- One line per business: what an owner asks first.
CREATE OR REPLACE VIEW business_overview AS
SELECT
    b.business_id,
    (SELECT count(*) FROM reviews AS r WHERE r.business_id = b.business_id) AS reviews,
    (SELECT count(*) FROM reviews AS r WHERE r.business_id = b.business_id AND r.label = 'neg')
        AS negative_reviews,
    (SELECT count(*) FROM complaints_closed AS c
        WHERE c.business_id = b.business_id AND c.badly_closed) AS badly_closed,
    (SELECT sum(revenue_at_risk) FROM risk_feed AS f WHERE f.business_id = b.business_id)
        AS revenue_at_risk,
    (SELECT count(*) FROM alerts AS a WHERE a.business_id = b.business_id AND a.state = 'open')
        AS open_alerts
FROM (
    SELECT business_id FROM reviews_scored
    UNION SELECT business_id FROM complaint_events
    UNION SELECT business_id FROM ledger_entries
) AS b;
