"""The owners' dashboard, one package: the aiohttp app (app.py), logins and sessions
(auth.py), its web defences (websecurity.py), the alert list in plain words (alertlist.py),
the SVG charts (charts.py with their SQL in charts/), and the page's templates/ and static/.

It reads what the pipeline landed (the analysts' catalog and the alert outbox); nothing else
under analytics/ imports it. `repute dashboard` serves it.
"""
