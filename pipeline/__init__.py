"""The domain: contracts, scoring, accounting and alert decisions. No I/O."""
