-- Landed facts. Every table has the key the sink upserts by, so re-landing a batch changes nothing.
CREATE TABLE IF NOT EXISTS reviews_scored (
    event_id VARCHAR PRIMARY KEY,
    business_id VARCHAR NOT NULL,
    location_id VARCHAR,
    occurred_at TIMESTAMPTZ NOT NULL,
    customer_key VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    public BOOLEAN,
    rating INTEGER,
    author_kind VARCHAR,
    audience_size BIGINT,
    text_chars INTEGER,
    text VARCHAR,
    lang VARCHAR,
    label VARCHAR,              -- neg / neu / pos / unscored
    polarity DOUBLE,
    negativity DOUBLE,
    confidence DOUBLE,
    method VARCHAR,
    drivers VARCHAR[],
    specificity DOUBLE,
    risk_score DOUBLE,
    revenue_at_risk DECIMAL(18, 2),
    currency VARCHAR
);

CREATE TABLE IF NOT EXISTS complaint_events (
    event_id VARCHAR PRIMARY KEY,
    type VARCHAR NOT NULL,      -- complaint.opened / complaint.reply / complaint.closed
    business_id VARCHAR NOT NULL,
    location_id VARCHAR,
    occurred_at TIMESTAMPTZ NOT NULL,
    complaint_id VARCHAR NOT NULL,
    customer_id VARCHAR,
    channel VARCHAR,
    public BOOLEAN,
    handler VARCHAR,
    lang VARCHAR,
    negativity DOUBLE,
    promised_deadline TIMESTAMPTZ,
    resolution VARCHAR,
    customer_behaviour VARCHAR,
    satisfaction INTEGER,
    deadline_met BOOLEAN,
    closure_score INTEGER,
    closure_grade VARCHAR,      -- good / acceptable / bad
    badly_closed BOOLEAN,
    closure_reasons VARCHAR[],
    risk_before DOUBLE,
    risk_after DOUBLE,
    revenue_at_risk_before DECIMAL(18, 2),
    revenue_at_risk_after DECIMAL(18, 2)
);

-- One row per event that changed a customer's risk: the history behind the feed.
CREATE TABLE IF NOT EXISTS risk_history (
    event_id VARCHAR PRIMARY KEY,
    business_id VARCHAR NOT NULL,
    customer_key VARCHAR NOT NULL,
    customer_id VARCHAR,
    handle VARCHAR,
    author_kind VARCHAR,
    audience_size BIGINT,
    loudest_channel VARCHAR,
    open_complaints INTEGER,
    badly_closed_complaints INTEGER,
    occurred_at TIMESTAMPTZ NOT NULL,
    risk_score DOUBLE,
    customers_at_risk DECIMAL(18, 2),
    revenue_at_risk DECIMAL(18, 2),
    currency VARCHAR,
    explanation VARCHAR,
    factors VARCHAR,            -- JSON list of {name, detail, points}
    peak_risk_score DOUBLE
);

-- The live reputation-risk feed: the latest assessment of each customer.
CREATE TABLE IF NOT EXISTS risk_feed (
    customer_key VARCHAR PRIMARY KEY,
    event_id VARCHAR NOT NULL,
    business_id VARCHAR NOT NULL,
    customer_id VARCHAR,
    handle VARCHAR,
    author_kind VARCHAR,
    audience_size BIGINT,
    loudest_channel VARCHAR,
    open_complaints INTEGER,
    badly_closed_complaints INTEGER,
    occurred_at TIMESTAMPTZ NOT NULL,
    risk_score DOUBLE,
    customers_at_risk DECIMAL(18, 2),
    revenue_at_risk DECIMAL(18, 2),
    currency VARCHAR,
    explanation VARCHAR,
    factors VARCHAR,
    peak_risk_score DOUBLE
);

CREATE TABLE IF NOT EXISTS ledger_entries (
    event_id VARCHAR PRIMARY KEY,
    business_id VARCHAR NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    period VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    category VARCHAR,
    customer_id VARCHAR,
    granted_by VARCHAR,
    location_id VARCHAR,
    complaint_id VARCHAR,
    status VARCHAR NOT NULL,    -- paid / committed / reversed-paid / reversed-committed
    amount DECIMAL(18, 2) NOT NULL,
    currency VARCHAR NOT NULL,
    fx_rate DECIMAL(18, 6) NOT NULL,
    amount_budget DECIMAL(18, 2) NOT NULL,  -- signed, in the business's budget currency
    cost_budget DECIMAL(18, 2) NOT NULL,
    reverses VARCHAR
);

CREATE TABLE IF NOT EXISTS budget_status (
    business_id VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    currency VARCHAR,
    budget DECIMAL(18, 2),
    spent DECIMAL(18, 2),
    committed DECIMAL(18, 2),
    remaining DECIMAL(18, 2),
    used_pct DECIMAL(18, 2),  -- far over budget is still a number: 1e12 spent of 1 budgeted
    burn_per_day DECIMAL(18, 2),
    runs_out_on DATE,
    period_ends_on DATE,
    as_of TIMESTAMPTZ,
    PRIMARY KEY (business_id, period)
);

CREATE TABLE IF NOT EXISTS policy_exceptions (
    exception_id VARCHAR PRIMARY KEY,
    event_id VARCHAR NOT NULL,
    business_id VARCHAR NOT NULL,
    customer_key VARCHAR,
    occurred_at TIMESTAMPTZ,
    rule VARCHAR NOT NULL,
    detail VARCHAR,
    granted_by VARCHAR,
    kind VARCHAR,
    period VARCHAR
);

CREATE TABLE IF NOT EXISTS alerts (
    alert_id VARCHAR PRIMARY KEY,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    business_id VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    title VARCHAR,
    explanation VARCHAR,
    next_step VARCHAR,
    dedupe_key VARCHAR NOT NULL,
    customer_key VARCHAR,
    revenue_at_risk DECIMAL(18, 2),
    currency VARCHAR,
    source_event_id VARCHAR,
    facts VARCHAR,              -- JSON object
    state VARCHAR
);

CREATE TABLE IF NOT EXISTS sentiment_corrections (
    event_id VARCHAR PRIMARY KEY,
    business_id VARCHAR NOT NULL,
    target_event_id VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    corrected_by VARCHAR,
    occurred_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS dead_letters (
    dead_letter_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,    -- file name or topic
    position VARCHAR NOT NULL,  -- line number, or partition:offset
    event_id VARCHAR,
    reason VARCHAR NOT NULL,
    payload VARCHAR
);

-- The embedded runner's state (customer and business state as JSON), saved after the facts it
-- produced, so that a later run, or `repute correct`, continues from it. Not exported to the
-- lake: analysts read the facts.
CREATE TABLE IF NOT EXISTS pipeline_state (
    kind VARCHAR NOT NULL,      -- customer / business
    key VARCHAR NOT NULL,       -- customer key / business_id
    state VARCHAR NOT NULL,     -- the pydantic model as JSON
    PRIMARY KEY (kind, key)
);

-- Erasures on request (`repute forget`, analytics/erasure.py): who asked, when, how many rows
-- were anonymised or deleted per table. No customer id, key or text: that is what was erased.
CREATE TABLE IF NOT EXISTS erasures (
    erasure_id VARCHAR PRIMARY KEY,
    business_id VARCHAR NOT NULL,
    requested_by VARCHAR NOT NULL,
    erased_at TIMESTAMPTZ NOT NULL,
    rows_changed BIGINT NOT NULL,
    rows_by_table VARCHAR       -- JSON object: "table:anonymised|deleted" -> rows
);
