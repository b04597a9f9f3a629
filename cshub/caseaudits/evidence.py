"""What CSHub already knows, shown beside an audit's questions (part B of issue 22), so the
auditor checks instead of searching: the case summary's age, the child's last words, the
last supervision, language-guidance hits in the record, and so on (models.Evidence)."""

from dataclasses import dataclass, field

from cshub.caseaudits.models import Audit


@dataclass(frozen=True)
class EvidenceNote:
    summary: str  # one line: "Case summary written 3 March 2026 (271 days ago)"
    details: list[str] = field(default_factory=list)
    warning: bool = False  # shown as a warning (stale, missing, a phrase found)
    link: str = ""  # where on the record to look


def evidence_for(audit: Audit) -> dict[str, EvidenceNote]:
    """One note per Evidence code the audit's template uses, from a bounded number of queries."""
    raise NotImplementedError
