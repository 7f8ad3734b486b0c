"""The dashboard's web defences as small pure functions: security headers, the Origin /
Referer check, the CSRF token comparison and the post-login redirect target."""

from __future__ import annotations

import hmac
from collections.abc import Collection
from urllib.parse import urlsplit

# No inline script or style anywhere: the page's CSS is a file the app serves itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def origin_of(url: str | None) -> str | None:
    """`scheme://host[:port]` of a URL (lower case), or None when it has none."""
    if not url or url == "null":
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(origin: str | None, referer: str | None, allowed: Collection[str]) -> bool:
    """A state-changing request must say where it comes from (Origin, else Referer) and that
    must be one of `allowed`. A request that says neither is refused."""
    source = origin_of(origin) if origin else origin_of(referer)
    return source is not None and source in {a.lower().rstrip("/") for a in allowed}


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; an empty or missing token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def safe_next(target: str | None, default: str = "/") -> str:
    """Where to go after logging in: a path on this site only (no `//host`, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target
