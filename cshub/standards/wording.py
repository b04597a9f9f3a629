"""Each practice standard in plain words, and what a change to it affects (the page and
its confirmation step; docs/practice-standards.md says the same)."""

from dataclasses import dataclass

from cshub.standards.models import StandardCode


@dataclass(frozen=True)
class Wording:
    title: str
    rule: str  # "{days}" is the number of days, with its unit
    affects: tuple[str, ...]


_CHILDS_PAGE_DUE = "“What is due” on the child's page"
_HOME = "the due and overdue work on each worker's home page and the team's overdue counts"
_AGENDA = "overdue assessments and plan reviews on the daily meeting's agenda"

WORDING: dict[str, Wording] = {
    StandardCode.ASSESSMENT_FIRST: Wording(
        "First exploitation risk assessment",
        "Complete the first exploitation risk assessment within {days} of the episode opening",
        (
            _CHILDS_PAGE_DUE,
            _HOME,
            "the risk tag on caseloads and the identity bar (review overdue)",
            _AGENDA,
            "the figure “first assessments within 4 weeks” for episodes opened from that day "
            "(each episode is judged by the standard in force on the day it opened)",
        ),
    ),
    StandardCode.ASSESSMENT_REVIEW: Wording(
        "Assessment review",
        "Review the exploitation risk assessment at least every {days}",
        (_CHILDS_PAGE_DUE, _HOME, "the risk tag on caseloads and the identity bar (review overdue)", _AGENDA),
    ),
    StandardCode.ASSESSMENT_AFTER_EVENT: Wording(
        "Assessment review after a high-risk missing episode",
        "Review the assessment within {days} of a high-risk missing episode",
        (_CHILDS_PAGE_DUE, _HOME, "the risk tag on caseloads and the identity bar (review overdue)", _AGENDA),
    ),
    StandardCode.PLAN_REVIEW_HIGH: Wording(
        "Plan review at high risk",
        "Review the child's plan at least every {days} when the last assessment found high risk",
        (_CHILDS_PAGE_DUE, _HOME, _AGENDA),
    ),
    StandardCode.PLAN_REVIEW_MEDIUM: Wording(
        "Plan review at medium risk",
        "Review the child's plan at least every {days} when the last assessment found medium risk "
        "(or there is no assessment yet)",
        (_CHILDS_PAGE_DUE, _HOME, _AGENDA),
    ),
    StandardCode.PLAN_REVIEW_LOW: Wording(
        "Plan review at low risk",
        "Review the child's plan at least every {days} when the last assessment found low risk",
        (_CHILDS_PAGE_DUE, _HOME, _AGENDA),
    ),
    StandardCode.VISIT: Wording(
        "Visits",
        "Visit the child at least every {days}",
        (
            "the checks on the child's page and their “Work with the child” page",
            _HOME,
            "“Visit overdue” on caseloads",
            "the compliance dashboard's visit figures",
        ),
    ),
    StandardCode.SUPERVISION: Wording(
        "Supervision",
        "Supervise the work with each child at least every {days}",
        (
            "“Supervision overdue” on caseloads",
            "the supervision evidence in case audits",
            "the figure “open episodes with supervision overdue” for days from the change on "
            "(figures already measured keep the standard of their day)",
            "the compliance dashboard's supervision figures",
        ),
    ),
    StandardCode.VOICE: Wording(
        "The child's voice",
        "Record the child's own words at least every {days}",
        ("the checks on the child's page and their “Work with the child” page", "the compliance dashboard"),
    ),
    StandardCode.SUMMARY: Wording(
        "Case summary",
        "Review the child's case summary at least every {days}",
        (
            "the warning on the child's page when the summary is older",
            _HOME,
            "the case summary evidence in case audits",
        ),
    ),
}


def days_text(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def rule(code: str, days: int) -> str:
    return WORDING[code].rule.format(days=days_text(days))
