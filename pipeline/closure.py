"""Closure quality of a closed complaint: which good steps were taken, what went wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pipeline.events import ComplaintClosed

Grade = Literal["good", "acceptable", "bad"]


@dataclass(frozen=True)
class ClosureGrade:
    score: int  # 0..100
    grade: Grade
    badly_closed: bool
    steps_taken: tuple[str, ...]
    steps_missing: tuple[str, ...]
    problems: tuple[str, ...]  # e.g. "rude", "argues", "deadline_missed"
    lang: str = "unknown"

    @property
    def reasons(self) -> tuple[str, ...]:
        return (
            tuple(f"did: {s}" for s in self.steps_taken)
            + tuple(f"missing: {s}" for s in self.steps_missing)
            + tuple(f"problem: {p}" for p in self.problems)
        )


def grade_closure(closed: ComplaintClosed, earlier_replies: Sequence[str] = ()) -> ClosureGrade:
    """Placeholder: judges only the outcome fields until the text rules land."""
    problems: list[str] = []
    if closed.deadline_met is False:
        problems.append("deadline_missed")
    if closed.satisfaction is not None and closed.satisfaction <= 2:
        problems.append("customer_unsatisfied")
    score = 70 - 25 * len(problems)
    grade: Grade = "good" if score >= 70 else "acceptable" if score >= 40 else "bad"
    return ClosureGrade(
        score=score,
        grade=grade,
        badly_closed=grade == "bad",
        steps_taken=(),
        steps_missing=(),
        problems=tuple(problems),
    )
