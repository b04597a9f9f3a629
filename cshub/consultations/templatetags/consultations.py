"""The child's consultations beside a referral (the referral's page and the form recording
one): "discussed with the hub twice in the last 90 days", and "from the consultation of …"
for a referral a consultation opened. Referrals sit left of consultations, so their
templates reach this through an inclusion tag."""

from typing import Any

from django import template
from django.utils import timezone

from cshub.consultations.actions import PROMPT_DAYS, earlier_consultations, times
from cshub.consultations.models import Consultation
from cshub.people.models import Person
from cshub.referrals.models import Referral

register = template.Library()


@register.inclusion_tag("consultations/beside_referral.html")
def consultations_beside(person: Person, referral: Referral | None = None) -> dict[str, Any]:
    day = referral.received_date if referral is not None else timezone.localdate()
    source = Consultation.objects.filter(referral=referral).first() if referral is not None else None
    earlier = earlier_consultations(person.pk, day, exclude=source.pk if source else None)
    return {
        "person": person,
        "source": source,
        "earlier": earlier,
        "count": times(len(earlier)),
        "days": PROMPT_DAYS,
    }
