"""check(text): the phrases of the list found in a text, with the advice for each."""

import re
from dataclasses import dataclass

from cshub.language.models import Phrase


@dataclass(frozen=True)
class Advice:
    phrase: str
    kind: str
    why: str
    instead: str


def pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"\b", re.IGNORECASE)


def check(text: str) -> list[Advice]:
    if not text or not text.strip():
        return []
    found = []
    for p in Phrase.objects.filter(active=True):
        if pattern(p.phrase).search(text):
            found.append(Advice(p.phrase, p.get_kind_display(), p.why, p.instead))
    return found


def as_json() -> list[dict[str, str]]:
    return [
        {"phrase": p.phrase, "kind": p.get_kind_display(), "why": p.why, "instead": p.instead}
        for p in Phrase.objects.filter(active=True)
    ]
