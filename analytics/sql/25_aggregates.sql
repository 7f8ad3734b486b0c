-- Aggregates landed as tables, rebuilt from the facts on every refresh of the marts.
-- (Views over facts live in the other files; the analyst catalog reads these from Parquet.)

-- Daily aggregates by business, location, channel and language, landed as a table.
CREATE OR REPLACE TABLE daily_reviews AS
SELECT
    business_id,
    coalesce(location_id, '-') AS location_id,
    channel,
    coalesce(lang, 'unknown') AS lang,
    CAST(occurred_at AT TIME ZONE 'UTC' AS DATE) AS day,
    count(*) AS reviews,
    count(*) FILTER (WHERE label = 'neg') AS negative,
    count(*) FILTER (WHERE label = 'pos') AS positive,
    count(*) FILTER (WHERE label = 'unscored') AS unscored,
    round(avg(negativity), 3) AS avg_negativity,
    round(avg(rating), 2) AS avg_rating,
    max(risk_score) AS max_risk_score,
    sum(revenue_at_risk) FILTER (WHERE label = 'neg') AS revenue_at_risk_negative
FROM reviews
GROUP BY ALL;

-- Closure quality by handler and day.
CREATE OR REPLACE TABLE daily_closures AS
SELECT
    business_id,
    coalesce(handler, '-') AS handler,
    CAST(occurred_at AT TIME ZONE 'UTC' AS DATE) AS day,
    count(*) AS closed,
    count(*) FILTER (WHERE badly_closed) AS badly_closed,
    round(avg(closure_score), 1) AS avg_closure_score,
    sum(revenue_at_risk_before - revenue_at_risk_after) AS revenue_at_risk_removed
FROM complaints_closed
GROUP BY ALL;
