"""The text layer every reader of words shares, sentiment and closure alike:

* `language`: which language a text is in (pl / ru / uk / en by script, letters and words,
  lingua for the rest);
* `lemmas`: lemmas, stems and parts of speech per language (simplemma, pymorphy3, Snowball),
  cached per word, one analyzer per language per process;
* `tokens`: words, emoji, emoticons, sentences and clauses of a review;
* `embeddings`: multilingual sentence embeddings (Universal Sentence Encoder v3).
"""
