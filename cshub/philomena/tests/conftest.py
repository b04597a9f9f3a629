"""A looked-after child, photographs of them as the documents room stores them (a CLEAN image
row made directly, as the contract between the parts allows), and profile text."""

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from cshub.conftest import TODAY, make_child
from cshub.documents import storage
from cshub.documents.models import Document
from cshub.philomena.actions import ProfileText
from cshub.socialcare.models import ClaEpisode


def png(colour: str = "#1d70b8", size: tuple[int, int] = (120, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def photo(
    person: Any, actor: Any, *, status: str = "CLEAN", police_only: bool = False, title: str = "Photo"
) -> Document:
    content = png()
    return Document.objects.create(
        person=person,
        kind="PHOTOGRAPH",
        title=title,
        original_name="photo.png",
        stored_name=storage.store(content),
        content_type="image/png",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        scan_status=status,
        police_only=police_only,
        uploaded_by=actor,
    )


def in_care(person: Any, since: dt.date | None = None) -> ClaEpisode:
    return ClaEpisode.objects.create(
        person=person,
        start_date=since or TODAY - dt.timedelta(days=400),
        entered_care_date=since or TODAY - dt.timedelta(days=400),
        source_id=f"cla-{person.pk}",
    )


TEXT = ProfileText(
    who_to_call="Police 999, then the placement's manager on 0161 496 0000 (day and night).",
    height="5 feet 6 inches (168 cm)",
    build="Slim",
    hair="Short, dark brown",
    eyes="Brown",
    marks="Small scar above the left eyebrow",
    clothing="Black puffer jacket, grey tracksuit, white trainers",
    phones="07700 900123",
    social_media="Snapchat: kofi_a_demo",
    places="Piccadilly Gardens",
    people="His cousin Jay",
    health_needs="Asthma: carries an inhaler.",
    medication="Salbutamol inhaler, as needed.",
    exploitation_concerns="Adults are using him to carry drugs to other towns.",
    responds_to="His key worker Sam. Food and a quiet place to talk.",
    carer_name="Hollins House children's home",
    carer_phone="0161 496 0000",
    carer_address="1 Example Road, Manchester",
)


@pytest.fixture(autouse=True)
def documents_dir(settings: Any, tmp_path: Path) -> Path:
    settings.CSHUB_DOCUMENTS_DIR = tmp_path / "documents"
    return Path(settings.CSHUB_DOCUMENTS_DIR)


@pytest.fixture
def child(personas: dict[str, Any]) -> Any:
    person = make_child(personas["practitioner"], "Kofi", "Ashcombe")
    in_care(person)
    return person
