-- Goodwill ledger per business and period, by handler: who grants what.
SELECT *
FROM ledger_budget_by_handler
ORDER BY business_id, period;
