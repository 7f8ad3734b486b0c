"""The text layer every reader of words shares: sentence embeddings (`embeddings`), and the
tokens, lemmas and language of `pipeline.language` / `pipeline.sentiment.lemmas`."""
