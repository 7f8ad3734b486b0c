-- Refund budget per business and period.
SELECT business_id, period, currency, budget, spent, committed, remaining, used_pct,
       burn_per_day, runs_out_on, period_ends_on
FROM budget_status
ORDER BY business_id, period;
