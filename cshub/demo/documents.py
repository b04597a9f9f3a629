"""Demo documents: a few small synthetic files made here in code (a drawn silhouette as
the child's photograph, a one-page letter on a referral, a police-only report), attached
through `cshub.documents.actions` as the hub's workers, so the Documents tab, the referral
page and police-only documents show something.

Each goes to the virus scanner like any upload. When no scanner answers (a demo machine
without clamd), these files, which this module has just drawn from constants, are marked
openable with the audit detail `demo_unscanned` and the demo says so: never a real file,
never outside the demo generator."""

import io

from PIL import Image, ImageDraw

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.documents import actions, samples
from cshub.documents.models import Document, ScanStatus
from cshub.people.models import Person
from cshub.referrals.models import Referral


def silhouette_png(seed: int = 0) -> bytes:
    """A 240 by 300 pixel head-and-shoulders silhouette on a plain background: no one's face."""
    background = [(208, 222, 235), (226, 214, 232), (214, 232, 219)][seed % 3]
    image = Image.new("RGB", (240, 300), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 50, 170, 160), fill=(80, 90, 100))
    draw.ellipse((25, 170, 215, 380), fill=(80, 90, 100))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _openable(document: Document) -> bool:
    if document.scan_status == ScanStatus.FAILED:
        Document.objects.filter(pk=document.pk).update(scan_status=ScanStatus.CLEAN)
        record_event(
            None,
            Action.UPDATE,
            document,
            child_id=document.person_id,
            detail={"scan": ScanStatus.CLEAN.value, "demo_unscanned": True},
        )
        return False
    return True


def make_documents(users: dict[str, User]) -> tuple[int, bool]:
    """How many documents were made, and whether the scanner checked them."""
    children = list(
        Person.objects.filter(restricted=False, episodes__close_date__isnull=True)
        .order_by("id")
        .distinct()[:2]
    )
    if len(children) < 2:
        return 0, True
    worker, police = users["practitioner"], users["police"]
    made: list[Document] = []
    first, second = children
    made.append(
        actions.attach_document(
            content=silhouette_png(first.pk),
            original_name="photo.png",
            title=f"Photograph of {first.forename}",
            kind="PHOTOGRAPH",
            person=first,
            actor=worker,
        )
    )
    referral = Referral.objects.filter(person=first).order_by("-received_date", "-id").first()
    letter = samples.pdf(
        [
            "Northfield Academy (a fictional school)",
            "",
            f"Re: {first.full_name}",
            "",
            "Attendance this term has fallen to 61%. Staff have seen older young people",
            "waiting at the gate at the end of the day. We are sharing this with the hub.",
            "",
            "Designated safeguarding lead",
        ]
    )
    made.append(
        actions.attach_document(
            content=letter,
            original_name="school-letter.pdf",
            title="Letter from the school",
            kind="LETTER",
            person=None if referral else first,
            referral=referral,
            actor=worker,
        )
    )
    report = samples.pdf(
        [
            "Police intelligence summary (synthetic demo text)",
            "",
            f"Subject of concern linked to {second.full_name} through a shared address.",
            "Graded 2B. Not for onward disclosure.",
        ]
    )
    made.append(
        actions.attach_document(
            content=report,
            original_name="intelligence-summary.pdf",
            title="Intelligence summary",
            kind="REPORT",
            person=second,
            police_only=True,
            actor=police,
        )
    )
    checked = [_openable(d) for d in made]
    return len(made), all(checked)
