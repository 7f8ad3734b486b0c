"""Dashboard accounts, sessions, the login limiter and the web defences' pure parts."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import make_mocked_request
from argon2 import PasswordHasher

from analytics.dashboard.app import DashboardConfig, cookie_options, in_scope, scope_clause
from analytics.dashboard.auth import (
    AccountError,
    LoginLimiter,
    User,
    UserStore,
    session_alive,
    users_path,
)
from analytics.dashboard.websecurity import (
    SECURITY_HEADERS,
    csrf_matches,
    origin_of,
    safe_next,
    same_origin,
)
from cli import main
from pipeline.config import Settings

PASSWORD = "test-only password 1"
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> UserStore:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return UserStore(tmp_path / "x.users.sqlite", clock=clock, hasher=hasher)


# ------------------------------------------------------------------ users


def test_users_file_sits_beside_the_database():
    assert str(users_path("data/demo.duckdb")) == "data/demo.users.sqlite"


def test_a_user_logs_in_with_the_right_password_only(store):
    store.add_user("anna", PASSWORD, "owner", ["dobry-sen"])
    user = store.authenticate("anna", PASSWORD)
    assert user == User("anna", "owner", frozenset({"dobry-sen"}))
    assert store.authenticate("anna", PASSWORD + "x") is None
    assert store.authenticate("nobody", PASSWORD) is None


def test_the_file_holds_an_argon2id_hash_never_the_password(store):
    store.add_user("anna", PASSWORD, "owner", ["dobry-sen"])
    raw = store.path.read_bytes()
    assert PASSWORD.encode() not in raw
    assert b"$argon2id$" in raw


def test_default_hasher_is_argon2id(tmp_path):
    assert UserStore(tmp_path / "u.sqlite").hasher.hash("x" * 12).startswith("$argon2id$")


def test_weak_parameters_are_rehashed_on_login(tmp_path, store):
    store.add_user("anna", PASSWORD, "owner", ["b1"])
    stronger = UserStore(store.path, hasher=PasswordHasher(time_cost=2, memory_cost=2048))
    assert stronger.authenticate("anna", PASSWORD) is not None
    assert b"t=2" in store.path.read_bytes()
    assert store.authenticate("anna", PASSWORD) is not None  # the new hash still verifies


@pytest.mark.parametrize(
    ("name", "password", "role", "businesses", "why"),
    [
        ("Anna Smith", PASSWORD, "owner", ["b1"], "user name"),
        ("anna", "short", "owner", ["b1"], "at least 10"),
        ("anna", PASSWORD, "owner", [], "at least one --business"),
        ("anna", PASSWORD, "staff", ["  "], "at least one --business"),
        ("anna", PASSWORD, "root", ["b1"], "role must be"),
    ],
)
def test_bad_new_users_are_refused(store, name, password, role, businesses, why):
    with pytest.raises(AccountError, match=why):
        store.add_user(name, password, role, businesses)
    assert store.count() == 0


def test_a_name_is_taken_once(store):
    store.add_user("anna", PASSWORD, "owner", ["b1"])
    with pytest.raises(AccountError, match="exists already"):
        store.add_user("anna", PASSWORD, "admin")


def test_scope_of_owner_and_admin():
    owner = User("anna", "owner", frozenset({"b1", "b2"}))
    admin = User("root", "admin", frozenset())
    assert owner.scope() == {"b1", "b2"} and owner.can_see("b2") and not owner.can_see("b3")
    assert admin.scope() is None and admin.can_see("anything")


# ------------------------------------------------------------------ sessions


def test_a_session_token_finds_its_user_and_only_its_digest_is_stored(store):
    user = store.add_user("anna", PASSWORD, "staff", ["b1"])
    token = store.start_session(user)
    session = store.session(token)
    assert session is not None and session.user == user and len(session.csrf_token) >= 32
    assert token.encode() not in store.path.read_bytes()
    assert store.session(token + "x") is None
    assert store.session("") is None
    assert store.start_session(user) != token


def test_sessions_expire_when_idle_and_after_their_lifetime(store, clock):
    user = store.add_user("anna", PASSWORD, "owner", ["b1"])
    idle = store.start_session(user)
    clock.advance(hours=2, seconds=1)
    assert store.session(idle) is None
    busy = store.start_session(user)
    for _ in range(12):  # a request every 59 minutes keeps it alive, but not past 12 hours
        assert store.session(busy) is not None
        clock.advance(minutes=59)
    clock.advance(minutes=13)  # 12 h 1 min after logging in, 1 h 12 min after the last request
    assert store.session(busy) is None


def test_session_alive_bounds():
    assert session_alive(T0, T0, T0 + timedelta(hours=1))
    assert not session_alive(T0, T0, T0 + timedelta(hours=2))
    assert not session_alive(T0, T0 + timedelta(hours=11), T0 + timedelta(hours=12))


def test_logout_and_removal_end_sessions(store):
    user = store.add_user("anna", PASSWORD, "owner", ["b1"])
    first, second = store.start_session(user), store.start_session(user)
    store.end_session(first)
    assert store.session(first) is None and store.session(second) is not None
    assert store.remove_user("anna") is True
    assert store.session(second) is None
    assert store.remove_user("anna") is False


def test_a_flash_message_shows_once(store):
    token = store.start_session(store.add_user("anna", PASSWORD, "owner", ["b1"]))
    assert store.pop_flash(token) is None
    store.set_flash(token, "alert a1 resolved")
    assert store.pop_flash(token) == "alert a1 resolved"
    assert store.pop_flash(token) is None


# ------------------------------------------------------------------ login limiter


def test_five_failures_lock_the_name_for_the_window(clock):
    limiter = LoginLimiter(per_user=5, per_ip=20, window=timedelta(minutes=15), clock=clock)
    for _ in range(5):
        assert limiter.retry_after("anna", "10.0.0.1") is None
        limiter.failed("anna", "10.0.0.1")
        clock.advance(minutes=1)
    wait = limiter.retry_after("anna", "10.0.0.2")  # another address does not help
    assert wait == timedelta(minutes=10)
    assert limiter.retry_after("ben", "10.0.0.2") is None  # others are not locked out
    clock.advance(minutes=10)
    assert limiter.retry_after("anna", "10.0.0.1") is None  # the oldest failure aged out


def test_one_address_is_limited_across_names(clock):
    limiter = LoginLimiter(per_user=5, per_ip=3, clock=clock)
    for name in ("a", "b", "c"):
        limiter.failed(name, "10.0.0.9")
    assert limiter.retry_after("d", "10.0.0.9") is not None
    assert limiter.retry_after("d", "10.0.0.8") is None


def test_a_good_login_clears_the_names_failures(clock):
    limiter = LoginLimiter(per_user=2, per_ip=50, clock=clock)
    limiter.failed("anna", "ip")
    limiter.succeeded("anna")
    limiter.failed("anna", "ip")
    assert limiter.retry_after("anna", "ip") is None


# ------------------------------------------------------------------ web defences


@pytest.mark.parametrize(
    ("origin", "referer", "ok"),
    [
        ("http://127.0.0.1:8080", None, True),
        ("HTTP://127.0.0.1:8080", None, True),
        (None, "http://127.0.0.1:8080/?business=b1", True),
        ("http://127.0.0.1:8081", None, False),  # another port is another origin
        ("https://127.0.0.1:8080", None, False),
        ("http://evil.example", "http://127.0.0.1:8080/", False),  # Origin wins
        ("null", None, False),
        (None, None, False),
        (None, "/relative", False),
    ],
)
def test_same_origin(origin, referer, ok):
    assert same_origin(origin, referer, {"http://127.0.0.1:8080"}) is ok


def test_origin_of():
    assert origin_of("https://Repute.example.com/x?y=1") == "https://repute.example.com"
    assert origin_of("repute.example.com") is None


def test_csrf_tokens_compare_exactly():
    assert csrf_matches("abc123", "abc123")
    assert not csrf_matches("abc123", "abc124")
    assert not csrf_matches("abc123", "")
    assert not csrf_matches("", "")
    assert not csrf_matches(None, None)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/?business=b1", "/?business=b1"),
        ("/api/feed", "/api/feed"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/\r\nSet-Cookie: x", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next_stays_on_this_site(target, expected):
    assert safe_next(target) == expected


def test_csp_allows_no_inline_script_or_style_and_no_framing():
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src" not in csp  # default-src 'none'
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert SECURITY_HEADERS["X-Frame-Options"] == "DENY"


def test_cookies_are_secure_over_tls_or_when_asked(tmp_path):
    config = DashboardConfig(db=tmp_path / "x.duckdb", settings=Settings())
    plain = make_mocked_request("GET", "/")
    assert cookie_options(plain, config) == {
        "httponly": True,
        "samesite": "Lax",
        "secure": False,
        "path": "/",
    }
    assert cookie_options(plain.clone(scheme="https"), config)["secure"] is True
    behind_proxy = DashboardConfig(db=config.db, settings=Settings(), secure_cookies=True)
    assert cookie_options(plain, behind_proxy)["secure"] is True


def test_scope_clause():
    assert scope_clause("b1", frozenset({"b2"})) == ("WHERE business_id = ?", ["b1"])
    assert scope_clause(None, None) == ("", [])
    assert scope_clause(None, frozenset()) == ("WHERE false", [])
    assert scope_clause(None, frozenset({"b2", "b1"})) == (
        "WHERE business_id IN (?, ?)",
        ["b1", "b2"],
    )
    assert in_scope("b1", None) and in_scope("b1", frozenset({"b1"}))
    assert not in_scope("b1", frozenset({"b2"}))


# ------------------------------------------------------------------ the `repute user` command


def test_user_commands_add_list_remove(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "demo.duckdb")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    add = ["user", "add", "anna", "--db", db, "--business", "dobry-sen", "--password-stdin"]
    assert main(add) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "root", "--db", db, "--role", "admin", "--password-stdin"]) == 0
    capsys.readouterr()
    assert main(["user", "list", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines() == ["anna\towner\tdobry-sen", "root\tadmin\t*"]
    assert UserStore(users_path(db)).authenticate("anna", PASSWORD) is not None
    assert main(["user", "remove", "anna", "--db", db]) == 0
    assert main(["user", "remove", "anna", "--db", db]) == 1
    assert [u.name for u in UserStore(users_path(db)).users()] == ["root"]


def test_user_add_refuses_a_short_password(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    db = str(tmp_path / "demo.duckdb")
    assert main(["user", "add", "anna", "--db", db, "--business", "b1", "--password-stdin"]) == 1
    assert "at least 10" in capsys.readouterr().err
    assert UserStore(users_path(db)).count() == 0


def test_dashboard_refuses_to_start_without_users_and_says_how_to_add_one(tmp_path, capsys):
    db = str(tmp_path / "demo.duckdb")
    assert main(["dashboard", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "no users" in err and f"repute user add admin --db {db} --role admin" in err


def test_after_a_run_the_hint_says_how_to_add_the_first_user(tmp_path, capsys):
    from rich.console import Console

    from cli import _print_dashboard_hint

    db = str(tmp_path / "demo.duckdb")
    _print_dashboard_hint(Console(width=200), db)
    out = capsys.readouterr().out
    assert f"repute user add admin --db {db} --role admin" in out
    assert f"repute dashboard --db {db}" in out
    UserStore(users_path(db)).add_user("anna", PASSWORD, "owner", ["b1"])
    _print_dashboard_hint(Console(width=200), db)
    out = capsys.readouterr().out
    assert "user add" not in out and f"repute dashboard --db {db}" in out
