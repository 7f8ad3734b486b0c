"""DuckDB: schema and marts as SQL files, the batched idempotent sink, canned reports; and
what reads the landed data: the owners' dashboard (dashboard/) and alert delivery
(delivery/)."""
