"""`repute import`: a Google Business Profile export lands its reviews in DuckDB through the
inbox and the embedded run, a second import of it adds nothing, and the dry run reports how the
columns map and which rows are rejected and why (Trustpilot and generic CSV too).

The Google file follows the Business Profile API's Review resource, which Takeout's
`reviews.json` holds (`{"reviews": [...]}`; `starRating` ONE..FIVE; RFC 3339 `createTime`)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cli import main
from streams.ingest import inbox_path
from tests.streams.conftest import embedded_db

LOCATION = "accounts/1093/locations/77001"


def google_review(n: int, stars: str, comment: str | None, **changes: object) -> dict:
    review = {
        "name": f"{LOCATION}/reviews/AbFvOq{n:04d}",
        "reviewId": f"AbFvOq{n:04d}",
        "reviewer": {"displayName": f"Reviewer {n}", "profilePhotoUrl": "https://x/p.png"},
        "starRating": stars,
        "createTime": f"2026-10-{n:02d}T09:15:00.123456Z",
        "updateTime": f"2026-10-{n:02d}T09:15:00.123456Z",
        "reviewReply": {"comment": "Dziękujemy!", "updateTime": "2026-10-30T10:00:00Z"},
    }
    if comment is not None:
        review["comment"] = comment
    review.update(changes)
    return review


REVIEWS = [
    google_review(1, "ONE", "Materac przyszedł rozdarty, nikt nie odpowiada na maile."),
    google_review(2, "FIVE", "Świetny sklep, szybka dostawa."),
    google_review(3, "FOUR", None),  # stars only
    google_review(
        4,
        "TWO",
        "(Translated by Google) Long wait.\n\n(Original)\nDługo czekałem na zwrot.",
        reviewer={"displayName": "A Google User", "isAnonymous": True},
    ),
    google_review(5, "STAR_RATING_UNSPECIFIED", "Bez gwiazdek, ale OK."),
    google_review(6, "THREE", "Brak daty", createTime="yesterday"),  # rejected
]


def write_takeout(tmp: Path) -> Path:
    folder = tmp / "Takeout" / "Google Business Profile" / "account-1093" / "location-77001"
    folder.mkdir(parents=True)
    (folder / "reviews.json").write_text(json.dumps({"reviews": REVIEWS}), encoding="utf-8")
    return tmp / "Takeout"


def test_a_google_business_export_lands_its_reviews(tmp_path: Path, capsys) -> None:
    takeout = write_takeout(tmp_path)
    db = tmp_path / "shop.duckdb"
    args = ["import", str(takeout), "--format", "google-business", "--business", "dobry-sen"]
    assert main([*args, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert (
        "6 rows: 5 queued, 0 imported before, 0 changed since (not re-imported), 1 rejected" in out
    )
    # the same export again (here zipped, as Takeout delivers it) adds nothing
    archive = tmp_path / "takeout.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in takeout.rglob("*.json"):
            zipped.write(file, file.relative_to(tmp_path))
    assert main([*args[:1], str(archive), *args[2:], "--db", str(db)]) == 0
    again = capsys.readouterr().out
    assert (
        "0 queued, 5 imported before" in again
        and "0 rejected (dead letters), 1 rejected before" in again
    )

    landed = embedded_db(inbox_path(db), tmp_path / "landed.duckdb", datetime.now(UTC))
    with duckdb.connect(str(landed), read_only=True) as con:
        reviews = con.execute(
            "SELECT event_id, rating, channel, location_id FROM reviews_scored ORDER BY event_id"
        ).fetchall()
        dead = con.execute("SELECT event_id, reason FROM dead_letters").fetchall()
    assert [r[0] for r in reviews] == [f"google-business:AbFvOq{n:04d}" for n in range(1, 6)]
    assert [r[1] for r in reviews] == [1, 5, 4, 2, None]
    assert {(r[2], r[3]) for r in reviews} == {("maps", "77001")}
    assert dead == [("google-business:AbFvOq0006", "occurred_at: Input should be a valid datetime"
                     " or date, input is too short")]  # fmt: skip


def test_the_dry_run_shows_the_mapping_and_the_rejections(tmp_path: Path, capsys) -> None:
    takeout = write_takeout(tmp_path)
    db = tmp_path / "shop.duckdb"
    args = ["import", str(takeout), "--format", "google-business", "--business", "dobry-sen"]
    assert main([*args, "--db", str(db), "--dry-run"]) == 0
    report = capsys.readouterr().out
    assert "'starRating' -> rating" in report and "'comment' -> text" in report
    assert "'reviewReply.comment' -> (not used)" in report
    assert "would import 5, reject 1" in report
    assert "1 rejected: occurred_at: Input should be a valid datetime" in report
    assert "(rows 6)" in report
    assert not inbox_path(db).exists()  # a dry run queues nothing


def test_a_trustpilot_csv_needs_no_mapping_and_a_generic_csv_takes_one(
    tmp_path: Path, capsys
) -> None:
    trustpilot = tmp_path / "trustpilot.csv"
    trustpilot.write_text(
        "Review Created (UTC),Review ID,Review Title,Review Content,Review Stars,Reviewer Name\n"
        "2026-10-01 08:00:00,64f1a,Slow refund,Waited three weeks.,2,Jan\n"
        "2026-10-02 08:00:00,64f1b,Great,,6,Ola\n",
        encoding="utf-8",
    )
    base = ["import", "--business", "dobry-sen", "--db", str(tmp_path / "x.duckdb"), "--dry-run"]
    assert main([*base, str(trustpilot), "--format", "trustpilot"]) == 0
    report = capsys.readouterr().out
    assert (
        "'Review Stars' -> rating" in report and "'Review Created (UTC)' -> occurred_at" in report
    )
    assert "would import 1, reject 1" in report and "rating: Input should be less than" in report

    shop = tmp_path / "shop.csv"
    shop.write_text(
        "nr;data;ocena;opinia\n7;2026-10-03 12:00;5;Polecam\n8;2026-10-04 12:00;1;Nie polecam\n",
        encoding="utf-8",
    )
    mapping = ["--map", "id=nr", "--map", "occurred_at=data", "--map", "rating=ocena"]
    text = ["--map", "text=opinia"]
    assert main([*base, str(shop), "--format", "csv", *mapping, *text]) == 0
    report = capsys.readouterr().out
    assert "would import 0, reject 2" in report  # no time zone in the file
    assert "occurred_at: Input should have timezone info" in report
    zone = ["--timezone", "Europe/Warsaw"]
    assert main([*base, str(shop), "--format", "csv", *mapping, *text, *zone]) == 0
    assert "would import 2, reject 0" in capsys.readouterr().out
    assert main([*base, str(shop), "--format", "csv", "--map", "id=missing"]) == 1
