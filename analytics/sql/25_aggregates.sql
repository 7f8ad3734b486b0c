-- Daily aggregates landed as tables and maintained incrementally (issue 23): the sink recomputes
-- only the (business, day) groups whose facts a flush touched, from the *_source views below.
-- (Views over facts live in the other files; the analyst catalog reads these from the lake.)

-- Daily aggregates by business, location, channel and language.
CREATE TABLE IF NOT EXISTS daily_reviews (
    business_id VARCHAR NOT NULL,
    location_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    day DATE NOT NULL,
    reviews BIGINT,
    negative BIGINT,
    positive BIGINT,
    unscored BIGINT,
    avg_negativity DOUBLE,
    avg_rating DOUBLE,
    max_risk_score DOUBLE,
    revenue_at_risk_negative DECIMAL(38, 2),
    PRIMARY KEY (business_id, location_id, channel, lang, day)
);

-- The rows of the days in [lo, hi): the sink passes the days a flush touched, so DuckDB reads
-- only the row groups of those days (facts land in time order).
CREATE OR REPLACE MACRO daily_reviews_between(lo, hi) AS TABLE
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
WHERE occurred_at >= lo AND occurred_at < hi
GROUP BY ALL;

CREATE OR REPLACE VIEW daily_reviews_source AS
FROM daily_reviews_between(TIMESTAMPTZ '-infinity', TIMESTAMPTZ 'infinity');

-- Closure quality by handler and day.
CREATE TABLE IF NOT EXISTS daily_closures (
    business_id VARCHAR NOT NULL,
    handler VARCHAR NOT NULL,
    day DATE NOT NULL,
    closed BIGINT,
    badly_closed BIGINT,
    avg_closure_score DOUBLE,
    revenue_at_risk_removed DECIMAL(38, 2),
    PRIMARY KEY (business_id, handler, day)
);

CREATE OR REPLACE MACRO daily_closures_between(lo, hi) AS TABLE
SELECT
    business_id,
    coalesce(handler, '-') AS handler,
    CAST(occurred_at AT TIME ZONE 'UTC' AS DATE) AS day,
    count(*) AS closed,
    count(*) FILTER (WHERE badly_closed) AS badly_closed,
    round(avg(closure_score), 1) AS avg_closure_score,
    sum(revenue_at_risk_before - revenue_at_risk_after) AS revenue_at_risk_removed
FROM complaints_closed
WHERE occurred_at >= lo AND occurred_at < hi
GROUP BY ALL;

CREATE OR REPLACE VIEW daily_closures_source AS
FROM daily_closures_between(TIMESTAMPTZ '-infinity', TIMESTAMPTZ 'infinity');
