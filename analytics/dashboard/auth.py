"""Dashboard accounts: users scoped to businesses, argon2 password hashes, server-side
sessions, and a rate limit on login attempts.

Users and sessions live in a small SQLite file beside the DuckDB file
(`data/x.duckdb` -> `data/x.users.sqlite`), apart from the data: `repute run --fresh` starts
the data over and keeps the accounts. A session is a random token in a cookie; the file
keeps only its SHA-256, so a copy of the file does not let anyone in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("owner", "staff", "admin")
MIN_PASSWORD_LENGTH = 10
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)

Clock = Callable[[], datetime]

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_businesses (
    name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    business_id TEXT NOT NULL,
    PRIMARY KEY (name, business_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    flash TEXT
);
"""


class AccountError(ValueError):
    """A user that cannot be added or removed; the message says why."""


def users_path(db: str | Path) -> Path:
    """The accounts file of a DuckDB file: `data/x.duckdb` -> `data/x.users.sqlite`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.users.sqlite")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    businesses: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def scope(self) -> frozenset[str] | None:
        """The businesses this user may see; None means every business (an admin)."""
        return None if self.is_admin else self.businesses

    def can_see(self, business_id: str) -> bool:
        return self.is_admin or business_id in self.businesses


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_new_user(name: str, password: str, role: str, businesses: Iterable[str]) -> None:
    """Raise AccountError when a new user's fields are not acceptable."""
    if not NAME_PATTERN.match(name):
        raise AccountError(
            "a user name is 1-64 lower-case letters, digits, '.', '_', '@' or '-',"
            " starting with a letter or digit"
        )
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if role != "admin" and not list(businesses):
        raise AccountError(f"a {role} needs at least one --business (an admin sees all)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def session_alive(
    created_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    idle: timedelta = SESSION_IDLE,
    lifetime: timedelta = SESSION_MAX,
) -> bool:
    """A session ends `lifetime` after login, or after `idle` without a request."""
    return now - created_at < lifetime and now - last_seen_at < idle


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class UserStore:
    """Users, their businesses and their sessions in one SQLite file. Opens a connection
    per call, so it is safe to use from the web server's worker threads."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        hasher: PasswordHasher | None = None,
        idle: timedelta = SESSION_IDLE,
        lifetime: timedelta = SESSION_MAX,
    ) -> None:
        self.path = Path(path)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.hasher = hasher or PasswordHasher()
        self.idle = idle
        self.lifetime = lifetime
        # verified against when the name is unknown, so both cases take the same time
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            con.executescript(SCHEMA)
            yield con
        finally:
            con.close()

    # ------------------------------------------------------------ users

    def add_user(
        self, name: str, password: str, role: str = "owner", businesses: Iterable[str] = ()
    ) -> User:
        businesses = frozenset(b.strip() for b in businesses if b.strip())
        check_new_user(name, password, role, businesses)
        password_hash = self.hasher.hash(password)
        with self._connect() as con:
            try:
                con.execute("BEGIN IMMEDIATE")
                con.execute(
                    "INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                    [name, password_hash, role, _iso(self.clock())],
                )
                con.executemany(
                    "INSERT INTO user_businesses (name, business_id) VALUES (?, ?)",
                    [(name, b) for b in sorted(businesses)],
                )
                con.execute("COMMIT")
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                raise AccountError(f"user {name!r} exists already in {self.path}") from None
        return User(name, role, businesses if role != "admin" else frozenset())

    def remove_user(self, name: str) -> bool:
        """Delete a user and end their sessions. False when there was no such user."""
        with self._connect() as con:
            return con.execute("DELETE FROM users WHERE name = ?", [name]).rowcount > 0

    def get_user(self, name: str) -> User | None:
        with self._connect() as con:
            return self._user(con, name)

    def users(self) -> list[User]:
        with self._connect() as con:
            names = [n for (n,) in con.execute("SELECT name FROM users ORDER BY name")]
            return [u for n in names if (u := self._user(con, n))]

    def count(self) -> int:
        if not self.path.exists():
            return 0
        with self._connect() as con:
            return int(con.execute("SELECT count(*) FROM users").fetchone()[0])

    @staticmethod
    def _user(con: sqlite3.Connection, name: str) -> User | None:
        row = con.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
        if row is None:
            return None
        businesses = con.execute(
            "SELECT business_id FROM user_businesses WHERE name = ?", [name]
        ).fetchall()
        return User(name, row[0], frozenset(b for (b,) in businesses))

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password is right, else None (same work either way)."""
        with self._connect() as con:
            row = con.execute("SELECT password_hash FROM users WHERE name = ?", [name]).fetchone()
        stored = row[0] if row else self._dummy_hash
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self.hasher.check_needs_rehash(stored):
            with self._connect() as con:
                con.execute(
                    "UPDATE users SET password_hash = ? WHERE name = ?",
                    [self.hasher.hash(password), name],
                )
        return self.get_user(name)

    # ------------------------------------------------------------ sessions

    def start_session(self, user: User) -> str:
        """A new random session token for the cookie (only its digest is stored)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._connect() as con:
            self._drop_expired(con, now)
            con.execute(
                "INSERT INTO sessions (token_sha256, name, csrf_token, created_at, last_seen_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [token_digest(token), user.name, secrets.token_urlsafe(32), _iso(now), _iso(now)],
            )
        return token

    def session(self, token: str) -> Session | None:
        """The live session of a cookie token, or None (unknown, expired, user removed)."""
        if not token:
            return None
        digest = token_digest(token)
        now = self.clock()
        with self._connect() as con:
            row = con.execute(
                "SELECT name, csrf_token, created_at, last_seen_at FROM sessions"
                " WHERE token_sha256 = ?",
                [digest],
            ).fetchone()
            if row is None:
                return None
            created, seen = datetime.fromisoformat(row[2]), datetime.fromisoformat(row[3])
            user = self._user(con, row[0])
            if user is None or not session_alive(created, seen, now, self.idle, self.lifetime):
                con.execute("DELETE FROM sessions WHERE token_sha256 = ?", [digest])
                return None
            if now - seen >= TOUCH_EVERY:
                con.execute(
                    "UPDATE sessions SET last_seen_at = ? WHERE token_sha256 = ?",
                    [_iso(now), digest],
                )
                seen = now
        return Session(user, row[1], created, seen)

    def end_session(self, token: str) -> None:
        with self._connect() as con:
            con.execute("DELETE FROM sessions WHERE token_sha256 = ?", [token_digest(token)])

    def set_flash(self, token: str, message: str) -> None:
        """A one-time message for the session's next page."""
        with self._connect() as con:
            con.execute(
                "UPDATE sessions SET flash = ? WHERE token_sha256 = ?",
                [message, token_digest(token)],
            )

    def pop_flash(self, token: str) -> str | None:
        digest = token_digest(token)
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT flash FROM sessions WHERE token_sha256 = ?", [digest])
            found = row.fetchone()
            if found and found[0] is not None:
                con.execute("UPDATE sessions SET flash = NULL WHERE token_sha256 = ?", [digest])
            con.execute("COMMIT")
        return found[0] if found else None

    def _drop_expired(self, con: sqlite3.Connection, now: datetime) -> None:
        con.execute(
            "DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?",
            [_iso(now - self.lifetime), _iso(now - self.idle)],
        )


@dataclass
class LoginLimiter:
    """At most `per_user` failed logins per user name and `per_ip` per address in any
    `window`; once over, further attempts are refused without checking the password."""

    per_user: int = 5
    per_ip: int = 20
    window: timedelta = timedelta(minutes=15)
    clock: Clock = field(default=lambda: datetime.now(UTC))
    _failures: dict[str, deque[datetime]] = field(default_factory=dict)

    def retry_after(self, name: str, ip: str) -> timedelta | None:
        """How long until this user and address may try again, or None when they may now."""
        now = self.clock()
        waits = [
            self._wait(key, limit, now)
            for key, limit in ((f"user:{name}", self.per_user), (f"ip:{ip}", self.per_ip))
        ]
        blocked = [w for w in waits if w is not None]
        return max(blocked) if blocked else None

    def failed(self, name: str, ip: str) -> None:
        now = self.clock()
        for key in (f"user:{name}", f"ip:{ip}"):
            self._failures.setdefault(key, deque()).append(now)
        if len(self._failures) > 10_000:
            self._forget_old(now)

    def succeeded(self, name: str) -> None:
        self._failures.pop(f"user:{name}", None)

    def _wait(self, key: str, limit: int, now: datetime) -> timedelta | None:
        times = self._failures.get(key)
        if not times:
            return None
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < limit:
            return None
        return times[-limit] + self.window - now

    def _forget_old(self, now: datetime) -> None:
        for key in [k for k, t in self._failures.items() if now - t[-1] >= self.window]:
            del self._failures[key]
