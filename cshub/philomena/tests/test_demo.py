"""The demo's profiles: three looked-after children with one (two with a generated placeholder
picture, one out of date), and other looked-after children with none, so the prompts show."""

import io
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.demo.generator import generate
from cshub.documents import storage
from cshub.people.models import Person
from cshub.philomena.models import Profile
from cshub.philomena.review import status


def test_the_demo_has_profiles_and_prompts(db: Any) -> None:
    generate(seed=7, today=timezone.localdate(), years=1, referrals_per_year=60)
    profiles = list(Profile.objects.select_related("person", "photo").order_by("person_id"))
    assert len(profiles) == 3
    pictures = [p.photo for p in profiles if p.photo]
    assert len(pictures) == 2
    for picture in pictures:
        image = Image.open(io.BytesIO(storage.read(picture.stored_name)))
        assert (image.format, image.size) == ("PNG", (300, 400))
    states = [status(p.person) for p in profiles]
    assert all(s.looked_after for s in states)
    assert [s.out_of_date for s in states] == [False, False, True]  # the third is 120 days old
    others = Person.objects.filter(missing_episodes__from_care=True, philomena_profiles__isnull=True)
    assert any(status(child).prompt for child in others.distinct())
    client = sign_in_verified(Client(), User.objects.get(username="police"))
    answer = client.get(reverse("philomena:pdf", args=[pictures[0].person_id]))
    reader = PdfReader(io.BytesIO(answer.content))
    assert len(reader.pages) == 1 and reader.pages[0].images
