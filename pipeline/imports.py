"""Review exports -> review events: Google Business Profile (Takeout), Trustpilot CSV, any CSV.

Every format becomes rows of named columns (a Google review's nested fields are flattened to
`reviewer.displayName`), and a mapping says which column fills which field of a review. The
formats differ only in their default mapping, channel and time zone; `--map field=column`
overrides any of it. The event id is `<format>:<the source's review id>`, so importing the
same export twice (or an export that overlaps the last one) counts each review once; without an
id column it is a hash of the row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.events import InvalidEvent, parse_event

# field -> what it is; the order is the dry run's
FIELDS: dict[str, str] = {
    "id": "the source's review id (the stable event id)",
    "occurred_at": "when the review was written",
    "rating": "stars, 1-5 (also ONE..FIVE)",
    "title": "a title, put before the text",
    "text": "the review's words",
    "author": "the reviewer's name or handle",
    "customer_id": "your customer id (an order reference)",
    "location_id": "which of your places",
    "url": "a link to the review",
}
UTC = ZoneInfo("UTC")
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
ANONYMOUS = {"a google user", "anonymous", ""}
GOOGLE_ORIGINAL = re.compile(r"\(Original\)\s*(.*)\Z", re.DOTALL)
GOOGLE_LOCATION = re.compile(r"/locations/([^/]+)/")


@dataclass(frozen=True)
class Format:
    name: str
    channel: str
    candidates: dict[str, tuple[str, ...]]  # field -> column names it may have (any case)
    timezone: tzinfo | None = None  # for times written without an offset


FORMATS: dict[str, Format] = {
    "google-business": Format(
        "google-business",
        "maps",
        {
            "id": ("reviewId",),
            "occurred_at": ("createTime",),
            "rating": ("starRating",),
            "text": ("comment",),
            "author": ("reviewer.displayName",),
            "location_id": ("location",),
        },
    ),
    # Trustpilot Business's review download; the names vary between exports and languages,
    # so each field lists the headers seen for it, and --map covers the rest
    "trustpilot": Format(
        "trustpilot",
        "marketplace",
        {
            "id": ("Review ID", "ReviewId", "Review Id", "id"),
            "occurred_at": ("Review Created (UTC)", "Review Created", "Review Date", "createdAt"),
            "rating": ("Review Stars", "Stars", "Rating"),
            "title": ("Review Title", "Title"),
            "text": ("Review Content", "Review Text", "Content", "text"),
            "author": ("Reviewer Name", "Consumer Name", "Name"),
            "customer_id": ("Reference Id", "Reference ID", "Reference Number"),
            "url": ("Review URL", "Link"),
        },
        timezone=UTC,
    ),
    "csv": Format("csv", "own_site", {name: (name,) for name in FIELDS}),
}


class MappingError(ValueError):
    """A mapping that cannot work (an unknown field or column); the message says why."""


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as a person counts rows (a CSV's header is row 0)
    event: dict[str, Any]
    reason: str | None  # why it is rejected, None when valid


@dataclass
class Plan:
    """How the columns map, and each row as an event or a rejection."""

    format: str
    mapping: dict[str, str | None]  # field -> column (None: not in this file)
    unused: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def accepted(self) -> list[Row]:
        return [r for r in self.rows if r.reason is None]

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if r.reason is not None]

    def reasons(self) -> dict[str, list[int]]:
        """Rejection reason -> the row numbers rejected for it."""
        found: dict[str, list[int]] = {}
        for row in self.rejected:
            found.setdefault(row.reason or "", []).append(row.number)
        return found


# ---------------------------------------------------------------- Google Business Profile


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """{"reviewer": {"displayName": "Ann"}} -> {"reviewer.displayName": "Ann"}."""
    flat: dict[str, str] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping):
            flat.update(flatten(item, f"{name}."))
        elif isinstance(item, list):
            continue  # media items: nothing a review event carries
        elif item is not None:
            flat[name] = str(item).lower() if isinstance(item, bool) else str(item)
    return flat


def google_rows(reviews: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Business Profile reviews (the API's Review objects, as Takeout writes them) as rows."""
    rows = []
    for review in reviews:
        row = flatten(review)
        where = GOOGLE_LOCATION.search(row.get("name", ""))
        if where:
            row["location"] = where.group(1)
        rows.append(row)
    return rows


def google_reviews(document: Any) -> list[Mapping[str, Any]]:
    """The reviews of one JSON document: `{"reviews": [...]}`, a list, or one review."""
    if isinstance(document, Mapping) and isinstance(document.get("reviews"), list):
        return [r for r in document["reviews"] if isinstance(r, Mapping)]
    if isinstance(document, list):
        return [r for r in document if isinstance(r, Mapping)]
    if isinstance(document, Mapping) and "reviewId" in document:
        return [document]
    return []


# ---------------------------------------------------------------- mapping


def resolve_mapping(
    fmt: Format, columns: Sequence[str], overrides: Mapping[str, str]
) -> dict[str, str | None]:
    """field -> column: `--map` first, then the format's names for it (any case)."""
    unknown = sorted(set(overrides) - set(FIELDS))
    if unknown:
        raise MappingError(f"unknown field(s) {', '.join(unknown)}; fields: {', '.join(FIELDS)}")
    missing = sorted(c for c in overrides.values() if c not in columns)
    if missing:
        raise MappingError(
            f"no column {', '.join(map(repr, missing))} in this file; columns: {', '.join(columns)}"
        )
    by_lower = {c.strip().lower(): c for c in columns}
    mapping: dict[str, str | None] = {}
    for name in FIELDS:
        if name in overrides:
            mapping[name] = overrides[name]
            continue
        names = fmt.candidates.get(name, ())
        mapping[name] = next((by_lower[n.lower()] for n in names if n.lower() in by_lower), None)
    return mapping


def plan_import(
    fmt: Format,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    business_id: str,
    overrides: Mapping[str, str] | None = None,
    timezone: tzinfo | None = None,
    channel: str | None = None,
) -> Plan:
    """Every row as a validated review event, or the reason it is rejected."""
    mapping = resolve_mapping(fmt, columns, overrides or {})
    used = {c for c in mapping.values() if c}
    plan = Plan(fmt.name, mapping, [c for c in columns if c not in used])
    zone = timezone or fmt.timezone
    for number, row in enumerate(rows, start=1):
        event = review_event(fmt, mapping, row, business_id, zone, channel or fmt.channel)
        try:
            parse_event(event)
            plan.rows.append(Row(number, event, None))
        except InvalidEvent as exc:
            plan.rows.append(Row(number, event, exc.reason))
    return plan


def review_event(
    fmt: Format,
    mapping: Mapping[str, str | None],
    row: Mapping[str, str],
    business_id: str,
    zone: tzinfo | None,
    channel: str,
) -> dict[str, Any]:
    def value(name: str) -> str:
        column = mapping.get(name)
        return (row.get(column) or "").strip() if column else ""

    source_id = value("id") or _row_hash(row)
    text = value("text")
    if fmt.name == "google-business":
        text = google_original(text)
    title = value("title")
    event: dict[str, Any] = {
        "event_id": f"{fmt.name}:{source_id}",
        "type": "review",
        "business_id": business_id,
        "occurred_at": parse_time(value("occurred_at"), zone),
        "channel": channel,
        "public": True,
        "text": f"{title}. {text}" if title and text else title or text,
        "rating": parse_rating(value("rating")),
    }
    author: dict[str, str] = {}
    if value("customer_id"):
        author["customer_id"] = value("customer_id")
    if value("author").lower() not in ANONYMOUS:
        author["handle"] = value("author")[:200]
    if author:
        event["author"] = author
    for name in ("location_id", "url"):
        if value(name):
            event[name] = value(name)
    return event


def parse_rating(text: str) -> int | str | None:
    """'FIVE', '5', '5.0' -> 5; '' and Google's unspecified -> None; else as written (rejected)."""
    if not text or text.upper() == "STAR_RATING_UNSPECIFIED":
        return None
    if text.upper() in STARS:
        return STARS[text.upper()]
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(number) if number.is_integer() else text


def parse_time(text: str, zone: tzinfo | None) -> str | None:
    """ISO 8601 (or 'YYYY-MM-DD HH:MM:SS'); a time without an offset gets `zone`, if given.

    Anything else is passed on as written, for the contract to reject with its reason.
    """
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if parsed.tzinfo is None:
        if zone is None:
            return parsed.isoformat()  # rejected: "Input should have timezone info"
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def google_original(text: str) -> str:
    """Google's "(Translated by Google) ... (Original) ..." -> the reviewer's own words."""
    if text.startswith("(Translated by Google)"):
        original = GOOGLE_ORIGINAL.search(text)
        if original:
            return original.group(1).strip()
    return text


def _row_hash(row: Mapping[str, str]) -> str:
    data = "\x1f".join(f"{k}={v}" for k, v in sorted(row.items()))
    return "row-" + hashlib.sha256(data.encode()).hexdigest()[:20]
