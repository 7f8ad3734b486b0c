"""A trained linear classifier as plain data: what the shipped models have in common.

The artefact is two files: `<name>.npz` holds the non-zero coefficients (row = feature,
column = class) and the intercepts, `<name>.json` the classes, the feature spec and the model
card. No pickles: `numpy.load(allow_pickle=False)` reads the arrays. The features themselves
are each model's own (`pipeline.closure.conduct`, `pipeline.sentiment.model`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix


class ModelMissingError(RuntimeError):
    """A model's files are missing or of another spec: run `make model` or reinstall."""


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    weights: csr_matrix  # features x classes
    intercept: np.ndarray
    card: dict[str, Any]  # spec, training data, figures

    def probabilities(self, matrix: csr_matrix) -> np.ndarray:
        """Softmax of the linear scores, one row a sample."""
        import numpy as np

        logits = (matrix @ self.weights).toarray() + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


def save(stem: str, model: LinearModel) -> None:
    """Write `<stem>.npz` and `<stem>.json` (the card, with the classes)."""
    import numpy as np

    coo = model.weights.tocoo()
    np.savez_compressed(
        f"{stem}.npz",
        rows=coo.row.astype(np.int32),
        cols=coo.col.astype(np.int8),  # the class
        values=coo.data.astype(np.float32),
        intercept=model.intercept.astype(np.float64),
    )
    card = {**model.card, "classes": list(model.classes)}
    with open(f"{stem}.json", "w", encoding="utf-8") as out:
        json.dump(card, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")


def load(npz_path: object, json_path: object, *, features: int, spec_version: int) -> LinearModel:
    """Read a model written by `save`; a card of another spec is refused."""
    import numpy as np
    from scipy.sparse import coo_matrix

    with open(json_path, encoding="utf-8") as f:  # type: ignore[call-overload]
        card = json.load(f)
    if card.get("spec_version") != spec_version:
        raise ModelMissingError(
            f"{json_path}: model spec {card.get('spec_version')} is not {spec_version}: "
            "run `make model`, or reinstall the package"
        )
    arrays = np.load(npz_path, allow_pickle=False)
    classes = tuple(card["classes"])
    weights = coo_matrix(
        (arrays["values"].astype(np.float64), (arrays["rows"], arrays["cols"].astype(np.int32))),
        shape=(features, len(classes)),
    ).tocsr()
    return LinearModel(classes, weights, arrays["intercept"], card)


def load_packaged(package: str, name: str, *, features: int, spec_version: int) -> LinearModel:
    """The model `name` shipped as package data in `<package>/models/`."""
    folder: Traversable = resources.files(package).joinpath("models")
    npz, card = folder.joinpath(f"{name}.npz"), folder.joinpath(f"{name}.json")
    if not (npz.is_file() and card.is_file()):
        raise ModelMissingError(
            f"the {name} model ({package}/models/{name}.npz, {name}.json) is not installed: "
            "run `make model`, or reinstall the package"
        )
    with resources.as_file(npz) as npz_path, resources.as_file(card) as json_path:
        return load(npz_path, json_path, features=features, spec_version=spec_version)
