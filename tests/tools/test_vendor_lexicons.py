"""The vendored lexicons are what the manifest says the pinned packages gave, and the script
that writes them keeps polvader's data as it was while dropping the pickles."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

from pipeline.sentiment.resources import LEXICON_FILES
from tools.vendor_lexicons import PINS, differences, manifest, polvader_files, sha256

LEXICONS = Path(__file__).resolve().parents[2] / "pipeline" / "sentiment" / "lexicons"


def test_every_vendored_file_matches_its_manifest_hash() -> None:
    record = json.loads((LEXICONS / "MANIFEST.json").read_text(encoding="utf-8"))
    assert set(LEXICON_FILES) <= set(record["files"])
    for name, digest in record["files"].items():
        assert sha256((LEXICONS / name).read_bytes()) == digest, name
    assert [(s["package"], s["version"]) for s in record["sources"]] == [
        (p.name, p.version) for p in PINS
    ]


def test_every_source_folder_carries_its_licence_and_the_notice_names_it() -> None:
    notice = (LEXICONS / "NOTICE.md").read_text(encoding="utf-8")
    for folder in {name.split("/")[0] for name in LEXICON_FILES}:
        assert list((LEXICONS / folder).glob("LICENSE*")), folder
        assert f"`{folder}/`" in notice, folder


def fake_polvader_wheel(lexicon: dict[str, float], forms: dict[str, float]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("polvader/lexicons/expanded_lexicon.dat", pickle.dumps(lexicon))
        archive.writestr(
            "polvader/lexicons/derivative_grammatical_forms_of_terms_in_the_final_lexicon.dat",
            pickle.dumps(forms),
        )
        archive.writestr("polvader-1.0.1.dist-info/licenses/LICENSE", "MIT licence text")
    return buffer.getvalue()


def test_polvader_pickles_become_json_in_upstream_order_and_sorted_forms() -> None:
    lexicon = {"Zły": -2.5, "dobry": 1.75, "zły": -1.0}  # later "zły" wins once lower-cased
    files = polvader_files(fake_polvader_wheel(lexicon, {"złych": -1.0, "dobrego": 1.0}))
    assert list(json.loads(files["polvader/expanded_lexicon.json"])) == ["Zły", "dobry", "zły"]
    assert json.loads(files["polvader/expanded_lexicon.json"]) == lexicon
    assert files["polvader/word_forms.txt"].decode() == "dobrego\nzłych\n"
    assert files["polvader/LICENSE"] == b"MIT licence text"


def test_differences_name_changed_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"{}")
    (tmp_path / "b.json").write_bytes(b"old")
    files = {"a.json": b"{}", "b.json": b"new", "c.json": b"[]"}
    assert differences(files, tmp_path) == ["b.json", "c.json"]
    assert json.loads(manifest(files))["files"]["c.json"] == sha256(b"[]")
