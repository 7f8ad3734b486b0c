"""Closure quality of a closed complaint: the grade, the reply-conduct model, the phrase data.

`grade_closure` is the entry point (docs/closure.md).
"""

from pipeline.closure.grade import (
    CLOSURE_STEPS,
    CONDUCT_PROBLEMS,
    GOOD_STEPS,
    REFUSAL_STEPS,
    BadlyClosedBecause,
    ClosureGrade,
    analyze_text,
    customer_unsatisfied,
    fallback_language,
    grade_closure,
    last_words_negative,
    prepare_texts,
)

__all__ = [
    "CLOSURE_STEPS",
    "CONDUCT_PROBLEMS",
    "GOOD_STEPS",
    "REFUSAL_STEPS",
    "BadlyClosedBecause",
    "ClosureGrade",
    "analyze_text",
    "customer_unsatisfied",
    "fallback_language",
    "grade_closure",
    "last_words_negative",
    "prepare_texts",
]
