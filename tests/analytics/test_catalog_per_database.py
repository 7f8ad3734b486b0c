"""One catalog, lake and outbox per database (issue 19): two databases in one folder never
share them, and `repute run --fresh` starts all of them over (the users file stays)."""

from pathlib import Path

import duckdb
import pytest

from analytics.dashboard.auth import users_path
from analytics.delivery.outbox import Outbox, default_path
from analytics.fresh import start_over
from analytics.lake import catalog_path, lake_path
from cli import main
from tests.analytics.conftest import PASSWORD, fast_store

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "sample" / "businesses.toml"


def test_every_derived_file_is_named_after_its_database():
    db = Path("data/x.duckdb")
    assert catalog_path(db) == Path("data/x.analyst.duckdb")
    assert lake_path(db) == Path("data/x.lake")
    assert default_path(db) == Path("data/x.outbox.sqlite")
    assert users_path(db) == Path("data/x.users.sqlite")
    # another database in the same folder gets its own
    assert catalog_path("data/y.duckdb") != catalog_path(db)
    assert lake_path("data/y.duckdb") != lake_path(db)


def events_of(business: str, target: Path) -> Path:
    lines = (ROOT / "sample" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if f'"business_id": "{business}"' in line]
    assert kept, business
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def run(events: Path, db: Path, *extra: str) -> None:
    args = ["run", "--embedded", str(events), "--db", str(db), "--config", str(CONFIG)]
    assert main([*args, "--quiet", *extra]) == 0


def catalog_businesses(db: Path) -> set[str]:
    with duckdb.connect(str(catalog_path(db)), read_only=True) as con:
        return {b for (b,) in con.execute("SELECT DISTINCT business_id FROM risk_feed").fetchall()}


@pytest.fixture(scope="module")
def two_databases(tmp_path_factory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("shared")
    sen = folder / "sen.duckdb"
    lavka = folder / "lavka.duckdb"
    run(events_of("dobry-sen", folder / "sen.jsonl"), sen)
    run(events_of("knyzhkova-lavka", folder / "lavka.jsonl"), lavka)
    return folder, sen, lavka


def test_two_databases_in_one_folder_keep_their_own_catalog_and_lake(two_databases):
    folder, sen, lavka = two_databases
    assert catalog_businesses(sen) == {"dobry-sen"}
    assert catalog_businesses(lavka) == {"knyzhkova-lavka"}
    assert (lake_path(sen) / "_manifest.json").exists()
    assert (lake_path(lavka) / "_manifest.json").exists()
    # nothing left at the old shared places
    assert not (folder / "analyst.duckdb").exists()
    assert not (folder / "lake").exists()


def test_two_databases_keep_their_own_outbox(two_databases):
    _, sen, lavka = two_databases
    for db, business in ((sen, "dobry-sen"), (lavka, "knyzhkova-lavka")):
        with Outbox(default_path(db)) as outbox:
            alerts = outbox.list_alerts()
        assert alerts, db
        assert {a["business_id"] for a in alerts} == {business}


def test_fresh_starts_the_outbox_catalog_and_lake_over_but_keeps_users(tmp_path):
    db = tmp_path / "again.duckdb"
    events = events_of("dobry-sen", tmp_path / "sen.jsonl")
    run(events, db)
    fast_store(users_path(db)).add_user("ola", PASSWORD, "owner", ["dobry-sen"])
    with Outbox(default_path(db)) as outbox:
        alert = outbox.list_alerts()[0]
        outbox.set_state(alert["alert_id"], "resolved", by="ola")
    stale = lake_path(db) / "gone_table.parquet"
    stale.write_bytes(b"old")

    run(events, db, "--fresh")

    with Outbox(default_path(db)) as outbox:
        states = {
            a["alert_id"]: a["state"] for a in outbox.list_alerts(states=("open", "resolved"))
        }
    # the new run raised the same alert again, and it is open: no state left from the old run
    assert states[alert["alert_id"]] == "open"
    assert not stale.exists()
    assert fast_store(users_path(db)).count() == 1


def test_start_over_removes_only_its_own_database_files(tmp_path):
    mine, other = tmp_path / "mine.duckdb", tmp_path / "other.duckdb"
    for db in (mine, other):
        db.write_bytes(b"x")
        default_path(db).write_bytes(b"x")
        catalog_path(db).write_bytes(b"x")
        lake_path(db).mkdir()
        (lake_path(db) / "alerts.parquet").write_bytes(b"x")
    users_path(mine).write_bytes(b"x")

    removed = start_over(mine)

    assert set(removed) == {
        mine,
        default_path(mine),
        catalog_path(mine),
        lake_path(mine) / "alerts.parquet",
    }
    assert users_path(mine).exists()
    for path in (
        other,
        default_path(other),
        catalog_path(other),
        lake_path(other) / "alerts.parquet",
    ):
        assert path.exists(), path
