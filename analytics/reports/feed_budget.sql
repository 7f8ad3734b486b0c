-- The terminal feed's refund budget: one line per business and period, money with currency.
SELECT
    business_id AS "Business",
    period AS "Period",
    format('{:,.0f} {}', budget, currency) AS "Budget",
    format('{:,.0f} {}', spent + committed, currency) AS "Used",
    format('{:.0f} %', used_pct) AS "Used %",
    coalesce(strftime(runs_out_on, '%Y-%m-%d'), '-') AS "Runs out"
FROM budget_status
ORDER BY business_id, period;
