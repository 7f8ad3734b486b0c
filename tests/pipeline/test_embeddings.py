"""The sentence encoder's cache: repeated texts cost no encoder call and read the same vector."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.text import embeddings


def test_a_text_read_again_comes_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    first = embeddings.embed(["The courier left it at the gate.", "Zwrot został wysłany."])
    calls: list[list[str]] = []
    encoder = embeddings._encoder()

    class Counting:
        def encode(self, texts: list[str]) -> np.ndarray:
            calls.append(list(texts))
            return encoder.encode(texts)

    monkeypatch.setattr(embeddings, "_encoder", Counting)
    again = embeddings.embed(["Zwrot został wysłany.", "The courier left it at the gate."])
    assert calls == []
    assert np.array_equal(again, first[::-1])
    embeddings.embed(["Zwrot został wysłany.", "Возврат отправлен.", "Возврат отправлен."])
    assert calls == [["Возврат отправлен."]]


def test_the_cache_stays_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "CACHE_SIZE", 3)
    monkeypatch.setattr(embeddings, "_cache", type(embeddings._cache)())
    vectors = embeddings.embed([f"Reply number {n}." for n in range(5)])
    assert vectors.shape == (5, embeddings.DIMENSIONS)
    assert list(embeddings._cache) == [f"Reply number {n}." for n in (2, 3, 4)]
