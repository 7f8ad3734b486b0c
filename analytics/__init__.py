"""DuckDB: schema and marts as SQL files, the batched idempotent sink, canned reports."""
