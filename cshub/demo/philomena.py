"""The demo's missing-from-care profiles: a few looked-after children (their last missing
episode was from care) get a profile through the philomena actions, with places and people
confirmed from CSHub's own suggestions and, for two, a generated placeholder picture (a drawn
outline, never a photograph of anyone) stored as a scanned document. One profile is out of
date and the other looked-after children have none, so the prompts show."""

import datetime as dt
import hashlib
import io
import random

from django.utils import timezone
from PIL import Image, ImageDraw

from cshub.access.models import User
from cshub.core.dates import LONDON
from cshub.documents import storage
from cshub.documents.models import Document, DocumentKind, ScanStatus
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.philomena import actions
from cshub.philomena.suggestions import PERSON, PLACE, suggestions

HAIR = ["Short, dark brown", "Long, black, often tied back", "Curly, black", "Shoulder-length, blonde"]
BUILD = ["Slim", "Medium", "Tall and slim", "Stocky"]
EYES = ["Brown", "Blue", "Hazel", "Green"]
CLOTHES = [
    "Black puffer jacket, grey tracksuit, white trainers",
    "Navy hoodie, black jeans, a cross-body bag",
    "School uniform in the day; a red North Face jacket at night",
]


def placeholder_picture(seed: int) -> bytes:
    """A head-and-shoulders outline on a plain background, labelled as a placeholder."""
    rng = random.Random(seed)  # nosec B311 # seeded generator of synthetic data, never for security
    background = rng.choice(["#dbe7f3", "#e8e1ef", "#e3efe3", "#f3eadb"])
    image = Image.new("RGB", (300, 400), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill="#6f777b")
    draw.pieslice((40, 200, 260, 480), 180, 360, fill="#6f777b")
    draw.rectangle((0, 340, 300, 400), fill="#0b0c0c")
    draw.text((18, 352), "Demo placeholder", fill="#ffffff", font_size=22)
    draw.text((18, 376), "not a photograph", fill="#ffffff", font_size=16)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _picture(person: Person, actor: User, seed: int) -> Document:
    content = placeholder_picture(seed)
    return Document.objects.create(
        person=person,
        kind=DocumentKind.PHOTOGRAPH,
        title="Recent photograph (demo placeholder)",
        original_name="placeholder.png",
        stored_name=storage.store(content),
        content_type="image/png",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        # generated here, not uploaded: nothing for the virus scanner to find
        scan_status=ScanStatus.CLEAN,
        scan_result="",
        scanned_at=timezone.now(),
        uploaded_by=actor,
    )


def _looked_after(limit: int, today: dt.date) -> list[Person]:
    """Children whose last missing episode was from care and ended over a week ago (so a
    profile written this week is up to date), first by id."""
    found: list[Person] = []
    week_ago = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(0), tzinfo=LONDON)
    candidates = Person.objects.filter(restricted=False, missing_episodes__from_care=True).distinct()
    for person in candidates.order_by("pk").iterator():
        last = MissingEpisode.objects.filter(person=person).order_by("-reported_at", "-pk").first()
        if last is not None and last.from_care and last.returned_at and last.returned_at < week_ago:
            found.append(person)
        if len(found) == limit:
            break
    return found


def make_profiles(users: dict[str, User], today: dt.date, *, seed: int = 2026) -> int:
    """Returns the number of profiles written."""
    rng = random.Random(seed)  # nosec B311 # seeded generator of synthetic data, never for security
    worker, carer_side = users["practitioner"], users["missing"]
    children = _looked_after(3, today)
    written = 0
    for n, child in enumerate(children):  # other looked-after children have none: the prompt
        offered = suggestions(child, worker)
        places = [s.value for s in offered if s.kind == PLACE][:2]
        people = [s.value for s in offered if s.kind == PERSON][:2]
        photo = _picture(child, worker, seed + n) if n < 2 else None
        # the third was written 120 days ago: out of date by the 90-day cadence
        at = dt.datetime.combine(
            today - dt.timedelta(days=120 if n == 2 else 1 + n), dt.time(11), tzinfo=LONDON
        )
        actions.write_profile(
            child,
            actions.ProfileText(
                who_to_call=(
                    "Police on 999 at once if there is a risk of harm, then the placement's "
                    "manager (01632 960 123, day and night) and the hub's duty worker (01632 960 456)."
                ),
                height=f"{rng.randint(150, 182)} cm",
                build=rng.choice(BUILD),
                hair=rng.choice(HAIR),
                eyes=rng.choice(EYES),
                marks=rng.choice(["None known", "Small scar on the left hand", "Pierced ears"]),
                clothing=rng.choice(CLOTHES),
                phones=f"07700 900{rng.randint(100, 999)}",
                social_media=f"Snapchat: demo_{child.pk}",
                places="\n".join(["The town centre bus station", *places]),
                people="\n".join(["Friends from school", *people]),
                health_needs=rng.choice(["Asthma: carries an inhaler.", "None known.", "Type 1 diabetes."]),
                medication=rng.choice(
                    [
                        "Inhaler as needed.",
                        "None.",
                        "Insulin twice a day: without it, very unwell within a day.",
                    ]
                ),
                exploitation_concerns="Believed to be exploited by adults linked to county lines; may be carrying drugs.",
                responds_to=f"A calm voice and food. Trusts their key worker; {child.forename} may answer a text from them.",
                carer_name="Demo Lodge children's home (synthetic)",
                carer_phone="01632 960 123",
                carer_address="1 Demo Lane, Demoton",
            ),
            actor=carer_side if n == 1 else worker,
            photo=photo,
            at=at,
        )
        written += 1
    return written
