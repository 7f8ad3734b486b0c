"""process(state, event) -> (state, facts): the one place both drivers (embedded, Faust) call.

Two keyed steps, because state lives under two keys:
- `customer_step` owns state keyed by `events.customer_key` (risk, complaints, concession
  history, policy limits per customer); it scores texts and decides customer alerts.
- `business_step` owns state keyed by `business_id` (budget ledger, spike windows); it receives
  the event again, with the sentiment label the customer step found, after a repartition.
Each returns facts: rows for a named table with the key they are upserted under.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from pipeline import alerts, ledger, risk, spike
from pipeline.closure import grade_closure, prepare_texts
from pipeline.config import BusinessParams, Settings
from pipeline.corrections import corrected_scores
from pipeline.events import (
    ComplaintClosed,
    ComplaintOpened,
    ComplaintReply,
    ConcessionGranted,
    ConcessionPaid,
    ConcessionReversed,
    EventBase,
    InvalidEvent,
    Review,
    SentimentCorrected,
    customer_key,
    parse_event,
)
from pipeline.sentiment import SentimentResult, analyze, analyze_many
from pipeline.state import (
    REVIEWS_KEPT,
    BusinessState,
    ComplaintRecord,
    ConcessionRecord,
    CorrectionRecord,
    CustomerState,
    ReviewScore,
)

PRIVATE_CHANNELS = frozenset({"email", "phone", "chat", "in_person"})
STATE_TABLE = "pipeline_state"


@dataclass(frozen=True)
class Fact:
    table: str
    key: str
    row: dict[str, Any]


@dataclass(frozen=True)
class Forward:
    """What the customer step hands to the business step (re-keyed by business_id)."""

    event: EventBase
    sentiment_label: str | None = None


# ---------------------------------------------------------------- customer step


def new_customer_state(event: EventBase) -> CustomerState:
    return CustomerState(
        key=customer_key(event),
        business_id=event.business_id,
        customer_id=getattr(event, "customer_id", None)
        or (event.author.customer_id if isinstance(event, Review) else None),
        handle=event.author.handle if isinstance(event, Review) else None,
    )


def customer_step(
    state: CustomerState | None,
    event: EventBase,
    params: BusinessParams,
    sentiment: SentimentResult | None = None,
) -> tuple[CustomerState, list[Fact], Forward | None]:
    """Apply one event to its customer's state. A duplicate event id changes nothing.

    `sentiment` is the event's text scored ahead (`score_ahead`, in a batch); without it the
    step scores the text itself."""
    state = state or new_customer_state(event)
    if event.event_id in state.seen:
        return state, [], None
    if isinstance(event, ConcessionGranted | ComplaintOpened) and event.currency:
        # Fail before any state changes: money we cannot convert is dead-lettered whole.
        try:
            _, rate = ledger.rate_for(params, event.currency, event.occurred_at)
        except ledger.LedgerError as exc:
            raise InvalidEvent(str(exc), event.event_id) from None
        _check_money_range(event, rate)
    state.seen.add(event.event_id)
    state.last_event_at = max(filter(None, (state.last_event_at, event.occurred_at)))
    handler = _CUSTOMER_HANDLERS[type(event)]
    if sentiment is not None:
        facts, label = handler(state, event, params, sentiment=sentiment)
    else:
        facts, label = handler(state, event, params)
    return state, facts, Forward(event, label)


def scored_text(event: EventBase) -> tuple[str, int | None] | None:
    """(text, rating) the customer step scores for an event, or None when it scores nothing."""
    if isinstance(event, Review):
        return event.text, event.rating
    if isinstance(event, ComplaintOpened) and event.text.strip():
        return event.text, None
    return None


def handler_texts(events: Sequence[EventBase]) -> list[str]:
    """The handlers' texts in these events, which closure grading reads."""
    texts: list[str] = []
    for event in events:
        if isinstance(event, ComplaintClosed) and event.reply_text:
            texts.append(event.reply_text)
        elif isinstance(event, ComplaintReply) and event.text:
            texts.append(event.text)
    return texts


def score_ahead(events: Sequence[EventBase]) -> list[SentimentResult | None]:
    """Each event's `scored_text` scored in one batch (`analyze_many`: a scorer pays its fixed
    costs once), None for an event with no text to score. Scoring reads no state, so the
    results are what each step would have found alone."""
    wanted = [scored_text(event) for event in events]
    chosen = [(i, text) for i, text in enumerate(wanted) if text is not None]
    results = analyze_many([text for _, (text, _) in chosen], [rating for _, (_, rating) in chosen])
    found: list[SentimentResult | None] = [None] * len(events)
    for (i, _), result in zip(chosen, results, strict=True):
        found[i] = result
    return found


def _check_money_range(event: ConcessionGranted | ComplaintOpened, rate: Decimal) -> None:
    """Every money figure, in the budget currency, is at most `ledger.MAX_MONEY`, whatever fx
    rates are configured: the ledger's figures then fit their DuckDB columns."""
    names = ("amount", "cost") if isinstance(event, ConcessionGranted) else ("order_value",)
    for name in names:
        value = getattr(event, name)
        if value is not None and value * rate > ledger.MAX_MONEY:
            raise InvalidEvent(
                f"{name}: {value} {event.currency} is over the limit of {ledger.MAX_MONEY}"
                " in the budget currency",
                event.event_id,
            )


def _on_review(
    state: CustomerState,
    event: Review,
    params: BusinessParams,
    sentiment: SentimentResult | None = None,
) -> tuple[list[Fact], str | None]:
    sentiment = sentiment or analyze(event.text, event.rating)
    author = event.author
    state.author_kind = author.kind if author.kind != "customer" else state.author_kind
    state.audience_size = max(state.audience_size, author.audience_size)
    state.handle = state.handle or author.handle
    state.reviews += 1
    score = _remember_review(state, event, sentiment)
    # an owner's correction may have arrived first: the review then counts as corrected
    label, negativity = _counted(score, state.corrections.get(event.event_id))
    negative = label == "neg"
    if negative and negativity is not None:
        state.negative_reviews += 1
        state.max_negativity = max(state.max_negativity, negativity)
        state.max_specificity = max(state.max_specificity, sentiment.specificity)
        _note_channel(state, event.channel, event.public)
    assessment = _reassess(state, params, event.occurred_at)
    facts = [
        Fact("reviews_scored", event.event_id, _review_row(event, state, sentiment, assessment)),
        *_risk_facts(state, event, assessment),
    ]
    alert = _high_risk_review_alert(
        state, event, event.event_id, score, negative, assessment, params,
        text=event.text, author=(author.kind, author.audience_size),
    )  # fmt: skip
    facts.extend(_customer_alerts(state, [alert]))
    return facts, label


def _high_risk_review_alert(
    state: CustomerState,
    event: Review | SentimentCorrected,
    review_id: str,
    score: ReviewScore,
    negative: bool,
    assessment: risk.RiskAssessment,
    params: BusinessParams,
    *,
    author: tuple[str | None, int],
    text: str | None = None,
) -> alerts.Alert | None:
    """A negative review (scored so, or marked so by the owner) that puts its customer at high
    risk; the alert's event is the review, raised when `event` (the review or its correction)
    arrives."""
    return alerts.high_risk_review_alert(
        business_id=event.business_id,
        customer_key=state.key,
        event_id=review_id,
        channel=score.channel,
        risk=assessment,
        threshold=params.alerts.high_risk_review_score,
        negative=negative,
        when=event.occurred_at,
        public=score.public and score.channel not in PRIVATE_CHANNELS,
        text=text,
        author_kind=author[0],
        audience_size=author[1],
    )


def _remember_review(
    state: CustomerState, event: Review, sentiment: SentimentResult
) -> ReviewScore:
    score = ReviewScore(
        occurred_at=event.occurred_at,
        channel=event.channel,
        public=event.public,
        label=sentiment.label,
        polarity=sentiment.polarity,
        negativity=sentiment.negativity,
        specificity=sentiment.specificity,
    )
    state.review_scores[event.event_id] = score
    _keep_newest(state.review_scores)
    return score


def _keep_newest(records: dict[str, Any]) -> None:
    while len(records) > REVIEWS_KEPT:
        del records[next(iter(records))]


def _counted(score: ReviewScore, correction: CorrectionRecord | None) -> tuple[str, float | None]:
    """(label, negativity) a review counts with in its customer's risk: the owner's label, if
    corrected."""
    if correction is None:
        return score.label, score.negativity
    _, negativity = corrected_scores(correction.label, score.polarity, score.negativity)
    return correction.label, negativity


def _recount_reviews(state: CustomerState) -> None:
    """The parts of a customer's state that reviews feed, recomputed from the kept review scores
    after a correction (as `_on_review` and the complaint steps would have built them)."""
    negative = [
        (score, negativity)
        for event_id, score in state.review_scores.items()
        for label, negativity in [_counted(score, state.corrections.get(event_id))]
        if label == "neg" and negativity is not None
    ]
    complaints = state.complaints.values()
    state.negative_reviews = len(negative)
    state.max_negativity = max((n for _, n in negative), default=0.0)
    state.max_specificity = max(
        [score.specificity for score, _ in negative] + [c.specificity for c in complaints],
        default=0.0,
    )
    exposures = [(score.occurred_at, score.channel, score.public) for score, _ in negative]
    exposures += [(c.opened_at, c.channel, True) for c in complaints if c.public and c.channel]
    exposures += [
        (c.closed_at, c.channel or "social_media", True) for c in complaints if c.closed_in_public
    ]
    state.loudest_channel, state.loudest_public = None, False
    for _, channel, public in sorted(e for e in exposures if e[0] is not None):
        _note_channel(state, channel, public)


def _on_complaint_opened(
    state: CustomerState,
    event: ComplaintOpened,
    params: BusinessParams,
    sentiment: SentimentResult | None = None,
) -> tuple[list[Fact], str | None]:
    if sentiment is None and event.text.strip():
        sentiment = analyze(event.text)
    complaint = _complaint(state, event.complaint_id)
    complaint.opened_at = event.occurred_at
    complaint.channel = event.channel
    complaint.public = event.public
    if sentiment and sentiment.scored:
        complaint.negativity = max(complaint.negativity, sentiment.negativity or 0.0)
        complaint.specificity = sentiment.specificity
        state.max_specificity = max(state.max_specificity, sentiment.specificity)
    if event.public:
        _note_channel(state, event.channel, True)
    if event.order_value is not None and event.currency:
        _, rate = ledger.rate_for(params, event.currency, event.occurred_at)
        converted = ledger.to_budget_currency(event.order_value, rate)
        state.known_order_value = max(state.known_order_value or converted, converted)
    assessment = _reassess(state, params, event.occurred_at)
    row = _complaint_row(event, complaint, sentiment=sentiment)
    return [
        Fact("complaint_events", event.event_id, row),
        *_risk_facts(state, event, assessment),
    ], (sentiment.label if sentiment else None)


def _on_complaint_reply(
    state: CustomerState, event: ComplaintReply, params: BusinessParams
) -> tuple[list[Fact], str | None]:
    complaint = _complaint(state, event.complaint_id)
    complaint.replies.append(event.text)
    complaint.handler = event.handler
    if event.promised_deadline is not None:
        complaint.promised_deadline = event.promised_deadline
    return [Fact("complaint_events", event.event_id, _complaint_row(event, complaint))], None


def _on_complaint_closed(
    state: CustomerState, event: ComplaintClosed, params: BusinessParams
) -> tuple[list[Fact], str | None]:
    complaint = _complaint(state, event.complaint_id)
    before = _reassess(state, params, event.occurred_at)
    closure = grade_closure(event, complaint.replies)
    complaint.status = "closed"
    complaint.closed_at = event.occurred_at
    complaint.handler = event.handler
    complaint.closure_score = closure.score
    complaint.closure_grade = closure.grade
    complaint.badly_closed = closure.badly_closed
    complaint.promised_deadline = event.promised_deadline or complaint.promised_deadline
    if event.public or event.on_camera:
        complaint.closed_in_public = True
        _note_channel(state, complaint.channel or "social_media", True)
    complaint.risk_before_close = before.score
    complaint.revenue_at_risk_before_close = before.revenue_at_risk
    after = _reassess(state, params, event.occurred_at)
    complaint.revenue_at_risk_after_close = after.revenue_at_risk
    row = _complaint_row(event, complaint, closure=closure)
    row.update(
        risk_before=before.score,
        risk_after=after.score,
        revenue_at_risk_before=before.revenue_at_risk,
        revenue_at_risk_after=after.revenue_at_risk,
    )
    facts = [Fact("complaint_events", event.event_id, row), *_risk_facts(state, event, after)]
    alert = alerts.badly_closed_alert(
        business_id=event.business_id,
        customer_key=state.key,
        complaint_id=event.complaint_id,
        handler=event.handler,
        closure=closure,
        risk=after,
        last_words=event.customer_last_message,
        when=event.occurred_at,
        event_id=event.event_id,
        public=event.public or event.on_camera or complaint.public,
        resolution=event.resolution,
        customer_behaviour=event.customer_behaviour,
    )
    facts.extend(_customer_alerts(state, [alert]))
    return facts, None


def _on_concession_granted(
    state: CustomerState, event: ConcessionGranted, params: BusinessParams
) -> tuple[list[Fact], str | None]:
    # A reversal that arrived first left a placeholder: the concession is booked reversed.
    early = [c for c in state.concessions if c.event_id == event.event_id]
    state.concessions = [c for c in state.concessions if c.event_id != event.event_id]
    broken = ledger.check_policy(state.concessions, event, params)
    state.concessions.append(
        ConcessionRecord(
            event_id=event.event_id,
            kind=event.kind,
            occurred_at=event.occurred_at,
            amount=event.amount,
            currency=event.currency,
            complaint_id=event.complaint_id,
            reversed=any(c.reversed for c in early),
        )
    )
    period = ledger.period_of(event.occurred_at, params)
    facts = [
        Fact(
            "policy_exceptions",
            f"{event.event_id}:{rule.rule}",
            {
                "exception_id": f"{event.event_id}:{rule.rule}",
                "event_id": event.event_id,
                "business_id": event.business_id,
                "customer_key": state.key,
                "occurred_at": event.occurred_at,
                "rule": rule.rule,
                "detail": rule.detail,
                "granted_by": event.granted_by,
                "kind": event.kind,
                "period": period,
            },
        )
        for rule in broken
    ]
    facts.extend(
        _customer_alerts(
            state,
            alerts.policy_alerts(
                business_id=event.business_id,
                customer_key=state.key,
                event_id=event.event_id,
                granted_by=event.granted_by,
                period=period,
                broken=broken,
                when=event.occurred_at,
            ),
        )
    )
    return facts, None


def _on_concession_reversed(
    state: CustomerState, event: ConcessionReversed, params: BusinessParams
) -> tuple[list[Fact], str | None]:
    found = False
    for record in state.concessions:
        if record.event_id == event.concession_event_id:
            record.reversed = found = True
    if not found:
        # The reversal arrived before its concession: a placeholder the grant will replace.
        state.concessions.append(
            ConcessionRecord(
                event_id=event.concession_event_id,
                kind=ledger.PENDING_REVERSAL_KIND,
                occurred_at=event.occurred_at,
                amount=Decimal(0),
                currency="XXX",
                reversed=True,
            )
        )
    return [], None


def _on_passthrough(
    state: CustomerState, event: EventBase, params: BusinessParams
) -> tuple[list[Fact], str | None]:
    return [], None


def _on_sentiment_corrected(
    state: CustomerState, event: SentimentCorrected, params: BusinessParams
) -> tuple[list[Fact], str | None]:
    """The correction lands as a fact (the SQL views apply it); when it is the one that counts
    for a review of this customer, the customer's risk is recomputed with it."""
    row = {
        "event_id": event.event_id,
        "business_id": event.business_id,
        "target_event_id": event.target_event_id,
        "label": event.label,
        "corrected_by": event.corrected_by,
        "occurred_at": event.occurred_at,
    }
    facts = [Fact("sentiment_corrections", event.event_id, row)]
    record = CorrectionRecord(
        event_id=event.event_id, occurred_at=event.occurred_at, label=event.label
    )
    if not record.supersedes(state.corrections.get(event.target_event_id)):
        return facts, None
    state.corrections[event.target_event_id] = record
    _keep_newest(state.corrections)
    score = state.review_scores.get(event.target_event_id)
    if score is not None:
        _recount_reviews(state)
        assessment = _reassess(state, params, event.occurred_at)
        facts.extend(_risk_facts(state, event, assessment))
        # a review the scorer missed and the owner marked negative is as dangerous as one
        # scored negative: the same alert, under the same key (never twice for one review)
        alert = _high_risk_review_alert(
            state, event, event.target_event_id, score, event.label == "neg", assessment,
            params, author=(state.author_kind, state.audience_size),
        )  # fmt: skip
        facts.extend(_customer_alerts(state, [alert]))
    return facts, None


_CUSTOMER_HANDLERS = {
    Review: _on_review,
    ComplaintOpened: _on_complaint_opened,
    ComplaintReply: _on_complaint_reply,
    ComplaintClosed: _on_complaint_closed,
    ConcessionGranted: _on_concession_granted,
    ConcessionPaid: _on_passthrough,
    ConcessionReversed: _on_concession_reversed,
    SentimentCorrected: _on_sentiment_corrected,
}


def deadline_check(
    state: CustomerState, now: datetime, params: BusinessParams
) -> tuple[CustomerState, list[Fact]]:
    """The watchdog: open complaints near or past their promised deadline, alerted once each."""
    due: list[alerts.Alert] = []
    for complaint in state.complaints.values():
        if complaint.status != "open" or complaint.promised_deadline is None:
            continue
        alert = alerts.deadline_alert(
            business_id=state.business_id,
            customer_key=state.key,
            complaint_id=complaint.complaint_id,
            deadline=complaint.promised_deadline,
            now=now,
            warning_hours=params.alerts.deadline_warning_hours,
            risk=None,
            handler=complaint.handler,
        )
        stage = alert.dedupe_key.rsplit(":", 1)[1] if alert else None
        if alert and stage not in complaint.deadline_alerted:
            complaint.deadline_alerted.append(stage)
            due.append(
                alert.model_copy(
                    update={"revenue_at_risk": state.revenue_at_risk, "currency": params.currency}
                )
            )
    return state, _alert_facts(due)


# ---------------------------------------------------------------- business step


def business_step(
    state: BusinessState | None, forward: Forward, params: BusinessParams
) -> tuple[BusinessState, list[Fact]]:
    """Apply one forwarded event to its business's budget ledger and spike windows."""
    event = forward.event
    state = state or BusinessState(business_id=event.business_id)
    if event.event_id in state.seen:
        return state, []
    state.seen.add(event.event_id)
    facts: list[Fact] = []
    book = state.ledger
    # Entries this event created or changed (a grant also applies an early reversal or payment).
    touched: list[ledger.LedgerEntry] = []
    if isinstance(event, ConcessionGranted):
        book, entry = ledger.book_concession(book, event, params)
        touched = ledger.entries_for(book, event.event_id) if entry is not None else []
    elif isinstance(event, ConcessionPaid):
        book = ledger.book_payment(book, event.concession_event_id)
        touched = ledger.entries_for(book, event.concession_event_id)
    elif isinstance(event, ConcessionReversed):
        book, entry = ledger.book_reversal(
            book, event.event_id, event.concession_event_id, event.occurred_at, params
        )
        touched = [entry] if entry is not None else []
    elif forward.sentiment_label is not None and isinstance(event, Review | ComplaintOpened):
        facts.extend(_spike_check(state, event, forward.sentiment_label, params))
    for entry in touched:
        facts.append(Fact("ledger_entries", entry.event_id, _ledger_row(event, entry)))
    if touched:
        entry = touched[0]
        status = ledger.budget_status(book, params, entry.period, event.occurred_at)
        facts.append(
            Fact(
                "budget_status",
                f"{event.business_id}:{entry.period}",
                _budget_row(status, event.occurred_at),
            )
        )
        facts.extend(
            _new_alerts(
                state,
                alerts.budget_alerts(status, params.alerts.budget_levels_pct, event.occurred_at),
            )
        )
    return state, facts


def _spike_check(
    state: BusinessState, event: Review | ComplaintOpened, label: str, params: BusinessParams
) -> list[Fact]:
    """Negative spikes per business / location / channel: decided in `pipeline.spike`."""
    found = spike.check(
        state.recent_negative,
        state.alert_keys,
        business_id=event.business_id,
        event_id=event.event_id,
        when=event.occurred_at,
        location=event.location_id,
        channel=event.channel,
        negative=label == "neg",
        thresholds=params.alerts,
    )
    return _alert_facts(found)


def _new_alerts(state: BusinessState, found: Iterable[alerts.Alert]) -> list[Fact]:
    """Alerts whose cause was not raised before; an escalation (higher severity) passes."""
    return _alert_facts(alerts.fresh(found, state.alert_keys))


# ---------------------------------------------------------------- embedded driver


StateLoader = Callable[[list[tuple[str, str]]], Iterable[tuple[str, str, str]]]


class Pipeline:
    """The embedded driver: both steps in-process, state in dicts. Same code as the streams.

    With `customers_kept`, at most that many customer states stay in memory (the least
    recently used go first, as `evicted_facts` to save) and `process_raw_many` reads the
    states of a chunk's customers that are not in memory through `load` ((kind, key)s ->
    saved (kind, key, state JSON)); the driver lands the evicted facts before the next chunk.
    """

    def __init__(
        self,
        settings: Settings,
        customers_kept: int | None = None,
        load: StateLoader | None = None,
    ) -> None:
        self.settings = settings
        self.customers: dict[str, CustomerState] = {}  # least recently used first
        self.businesses: dict[str, BusinessState] = {}
        self.last_was_duplicate = False
        self.newest_event_at: datetime | None = None
        self.customers_kept = customers_kept
        self.load = load
        self._changed: set[tuple[str, str]] = set()  # (kind, key) of states not saved yet
        self._evicted: list[Fact] = []

    def restore(self, saved: Iterable[tuple[str, str, str]]) -> None:
        """Continue from states an earlier run saved: (kind, key, state JSON)."""
        for kind, key, state in saved:
            if kind == "customer":
                self.customers[key] = CustomerState.model_validate_json(state)
            elif kind == "business":
                self.businesses[key] = BusinessState.model_validate_json(state)

    def state_facts(self) -> list[Fact]:
        """The states changed since the last call, as `pipeline_state` rows to save."""
        facts = []
        for kind, key in sorted(self._changed):
            state = self.customers[key] if kind == "customer" else self.businesses[key]
            facts.append(state_fact(kind, key, state))
        self._changed.clear()
        return facts

    def process(self, event: EventBase, sentiment: SentimentResult | None = None) -> list[Fact]:
        """One event through both steps; `sentiment`: its text scored ahead (`score_ahead`)."""
        params = self.settings.params_for(event.business_id)
        key = customer_key(event)
        customer, facts, forward = customer_step(self.customers.get(key), event, params, sentiment)
        self.customers.pop(key, None)  # to the end: the most recently used
        self.customers[key] = customer
        self.last_was_duplicate = forward is None
        if self.newest_event_at is None or event.occurred_at > self.newest_event_at:
            self.newest_event_at = event.occurred_at
        if forward is not None:
            self._changed.add(("customer", key))
            business, more = business_step(self.businesses.get(event.business_id), forward, params)
            self.businesses[event.business_id] = business
            self._changed.add(("business", event.business_id))
            facts.extend(more)
        return facts

    def process_raw(self, raw: bytes | str, source: str, position: str) -> tuple[list[Fact], bool]:
        """Parse and process one input line. Returns (facts, was_dead_lettered)."""
        try:
            event = parse_event(raw)
            return self.process(event), False
        except InvalidEvent as exc:
            return [dead_letter_fact(raw, source, position, exc.reason, exc.event_id)], True

    def process_raw_many(
        self, lines: Sequence[tuple[bytes | str, str, str]]
    ) -> list[tuple[list[Fact], bool, bool]]:
        """`process_raw` of (line, source, position)s in order, their texts scored in one batch
        first: (facts, was_dead_lettered, was_duplicate) per line, as line by line."""
        parsed: list[EventBase | Fact] = []
        for raw, source, position in lines:
            try:
                parsed.append(parse_event(raw))
            except InvalidEvent as exc:
                parsed.append(dead_letter_fact(raw, source, position, exc.reason, exc.event_id))
        events = [item for item in parsed if isinstance(item, EventBase)]
        self._load_missing(events)
        sentiments = iter(score_ahead(events))
        prepare_texts(handler_texts(events))
        out: list[tuple[list[Fact], bool, bool]] = []
        for (raw, source, position), item in zip(lines, parsed, strict=True):
            if isinstance(item, Fact):
                out.append(([item], True, False))
                continue
            sentiment = next(sentiments)
            try:
                out.append((self.process(item, sentiment), False, self.last_was_duplicate))
            except InvalidEvent as exc:
                dead = dead_letter_fact(raw, source, position, exc.reason, exc.event_id)
                out.append(([dead], True, False))
        self._evict()
        return out

    def _load_missing(self, events: Sequence[EventBase]) -> None:
        if self.load is not None:
            missing = sorted({customer_key(event) for event in events} - self.customers.keys())
            if missing:
                self.restore(self.load([("customer", key) for key in missing]))

    def _evict(self) -> None:
        """Over `customers_kept`: save every changed state (customers and businesses, one
        consistent point of the run, as the end of a run saves it: a crash after it replays
        from there), then drop the least recently used customers down to half the bound."""
        if self.customers_kept is None or len(self.customers) <= self.customers_kept:
            return
        self._evicted += self.state_facts()
        going = len(self.customers) - self.customers_kept // 2
        for key in list(islice(self.customers, going)):
            del self.customers[key]

    def evicted_facts(self) -> list[Fact]:
        """`pipeline_state` rows saved when customers were evicted (or saved states alerted on
        by the watchdog) since the last call: to land before the next chunk is processed."""
        facts, self._evicted = self._evicted, []
        return facts

    def check_deadlines(
        self, now: datetime, saved: Iterable[tuple[str, str, str]] = ()
    ) -> list[Fact]:
        """The watchdog over every customer: those in memory, and those only `saved` (kind,
        key, state JSON; the states of keys in memory are newer and skipped). A saved state
        that raises an alert is saved again through `evicted_facts`."""
        facts: list[Fact] = []
        for key, customer in self.customers.items():
            params = self.settings.params_for(customer.business_id)
            self.customers[key], more = deadline_check(customer, now, params)
            if more:
                self._changed.add(("customer", key))
            facts.extend(more)
        for kind, key, state in saved:
            if kind != "customer" or key in self.customers:
                continue
            customer = CustomerState.model_validate_json(state)
            params = self.settings.params_for(customer.business_id)
            customer, more = deadline_check(customer, now, params)
            if more:
                self._evicted.append(state_fact("customer", key, customer))
            facts.extend(more)
        return facts


def state_fact(kind: str, key: str, state: CustomerState | BusinessState) -> Fact:
    """A state as the `pipeline_state` row that saves it."""
    row = {"kind": kind, "key": key, "state": state.model_dump_json()}
    return Fact(STATE_TABLE, f"{kind}:{key}", row)


def dead_letter_fact(
    raw: bytes | str | dict[str, Any],
    source: str,
    position: str,
    reason: str,
    event_id: str | None = None,
) -> Fact:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    # A lone surrogate (JSON "\ud800", decoded) cannot be hashed or stored as UTF-8.
    text, reason = _utf8(text), _utf8(reason)
    event_id = _utf8(event_id) if event_id is not None else None
    key = hashlib.sha1(f"{source}|{position}|{text}".encode()).hexdigest()[:20]
    row = {
        "dead_letter_id": key,
        "source": source,
        "position": position,
        "event_id": event_id,
        "reason": reason,
        "payload": text[:10_000],
    }
    return Fact("dead_letters", key, row)


def _utf8(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


# ---------------------------------------------------------------- helpers


def _complaint(state: CustomerState, complaint_id: str) -> ComplaintRecord:
    if complaint_id not in state.complaints:
        state.complaints[complaint_id] = ComplaintRecord(complaint_id=complaint_id)
    return state.complaints[complaint_id]


def _note_channel(state: CustomerState, channel: str, public: bool) -> None:
    if not public or channel in PRIVATE_CHANNELS:
        return
    current = risk.CHANNEL_POINTS.get(state.loudest_channel or "", -1.0)
    if risk.CHANNEL_POINTS.get(channel, 0.0) > current or not state.loudest_public:
        state.loudest_channel = channel
        state.loudest_public = True


def _reassess(state: CustomerState, params: BusinessParams, when: datetime) -> risk.RiskAssessment:
    assessment = risk.assess(state, params, as_of_iso=when.isoformat())
    state.risk_score = assessment.score
    state.revenue_at_risk = assessment.revenue_at_risk
    return assessment


def _factors_json(assessment: risk.RiskAssessment) -> list[dict[str, Any]]:
    return [
        {"name": f.name, "detail": f.detail, "points": round(f.points, 1)}
        for f in assessment.factors
    ]


def _risk_facts(
    state: CustomerState, event: EventBase, assessment: risk.RiskAssessment
) -> list[Fact]:
    row = {
        "event_id": event.event_id,
        "business_id": event.business_id,
        "customer_key": state.key,
        "customer_id": state.customer_id,
        "handle": state.handle,
        "author_kind": state.author_kind,
        "audience_size": state.audience_size,
        "loudest_channel": state.loudest_channel,
        "open_complaints": sum(1 for c in state.complaints.values() if c.status == "open"),
        "badly_closed_complaints": sum(1 for c in state.complaints.values() if c.badly_closed),
        "occurred_at": event.occurred_at,
        "risk_score": assessment.score,
        "customers_at_risk": assessment.customers_at_risk,
        "revenue_at_risk": assessment.revenue_at_risk,
        "currency": assessment.currency,
        "explanation": assessment.explain(),
        "factors": _factors_json(assessment),
        "peak_risk_score": max(
            [assessment.score] + [c.risk_before_close or 0.0 for c in state.complaints.values()]
        ),
    }
    return [
        Fact("risk_history", event.event_id, row),
        Fact("risk_feed", state.key, row),
    ]


def _customer_alerts(state: CustomerState, found: Iterable[alerts.Alert | None]) -> list[Fact]:
    """A customer's alerts not raised before for the same cause (escalations pass)."""
    return _alert_facts(alerts.fresh(found, state.alert_keys))


def _alert_facts(found: Iterable[alerts.Alert | None]) -> list[Fact]:
    return [Fact("alerts", a.alert_id, a.model_dump()) for a in found if a is not None]


def _review_row(
    event: Review,
    state: CustomerState,
    sentiment: SentimentResult,
    assessment: risk.RiskAssessment,
) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "business_id": event.business_id,
        "location_id": event.location_id,
        "occurred_at": event.occurred_at,
        "customer_key": state.key,
        "channel": event.channel,
        "public": event.public,
        "rating": event.rating,
        "author_kind": event.author.kind,
        "audience_size": event.author.audience_size,
        "text_chars": len(event.text),
        "text": event.text,
        "lang": sentiment.lang,
        "label": sentiment.label,
        "polarity": sentiment.polarity,
        "negativity": sentiment.negativity,
        "confidence": sentiment.confidence,
        "method": sentiment.method,
        "drivers": list(sentiment.drivers),
        "specificity": sentiment.specificity,
        "risk_score": assessment.score,
        "revenue_at_risk": assessment.revenue_at_risk,
        "currency": assessment.currency,
    }


def _complaint_row(
    event: ComplaintOpened | ComplaintReply | ComplaintClosed,
    complaint: ComplaintRecord,
    sentiment: SentimentResult | None = None,
    closure: Any = None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "event_id": event.event_id,
        "type": event.type,
        "business_id": event.business_id,
        "location_id": event.location_id,
        "occurred_at": event.occurred_at,
        "complaint_id": event.complaint_id,
        "customer_id": event.customer_id,
        "channel": complaint.channel,
        "public": complaint.public,
        "handler": getattr(event, "handler", None),
        "lang": sentiment.lang if sentiment else None,
        "negativity": sentiment.negativity if sentiment else None,
        "promised_deadline": complaint.promised_deadline,
        "resolution": None,
        "customer_behaviour": None,
        "satisfaction": None,
        "deadline_met": None,
        "closure_score": None,
        "closure_grade": None,
        "badly_closed": None,
        "closure_reasons": [],
        "risk_before": None,
        "risk_after": None,
        "revenue_at_risk_before": None,
        "revenue_at_risk_after": None,
    }
    if isinstance(event, ComplaintClosed) and closure is not None:
        row.update(
            resolution=event.resolution,
            customer_behaviour=event.customer_behaviour,
            satisfaction=event.satisfaction,
            deadline_met=event.deadline_met,
            closure_score=closure.score,
            closure_grade=closure.grade,
            badly_closed=closure.badly_closed,
            closure_reasons=list(closure.reasons),
            lang=closure.lang,
        )
    return row


def _ledger_row(event: EventBase, entry: ledger.LedgerEntry) -> dict[str, Any]:
    row = entry.model_dump()
    row["business_id"] = event.business_id
    # When the entry happened (a payment landing later must not move its grant's time).
    row["occurred_at"] = entry.occurred_at or event.occurred_at
    return row


def _budget_row(status: ledger.BudgetStatus, as_of: datetime) -> dict[str, Any]:
    return {
        "business_id": status.business_id,
        "period": status.period,
        "currency": status.currency,
        "budget": status.budget,
        "spent": status.spent,
        "committed": status.committed,
        "remaining": status.remaining,
        "used_pct": status.used_pct,
        "burn_per_day": status.burn_per_day,
        "runs_out_on": status.runs_out_on,
        "period_ends_on": status.period_ends_on,
        "as_of": status.as_of or as_of,
    }


__all__ = [
    "Decimal",
    "Fact",
    "Forward",
    "Pipeline",
    "business_step",
    "customer_step",
    "deadline_check",
    "dead_letter_fact",
]
