"""The hub's starting grading rules, the daily meeting's intelligence source, and the
return-interview entries recorded before this room existed, as subjects (proposed, for a
worker to confirm) and links graded by rule. No timeline entries or audit events: nothing
new happened to the children; the links point back at their interviews."""

from django.db import migrations

from cshub.intelligence import normalise

RULES = {
    "RETURN_INTERVIEW": ("2", "C", "P"),
    "MISSING_EPISODE": ("2", "B", "P"),
    "MEETING_ITEM": ("2", "C", "P"),
    "POLICE": ("2", "C", "C"),
    "CASE_NOTE": ("2", "C", "P"),
}
ENTRY = {
    "PLACE": ("PLACE", "SEEN_AT"),
    "PERSON": ("ADULT", "ASSOCIATES"),
    "VEHICLE": ("VEHICLE", "TRAVELS_IN"),
    "PHONE": ("PHONE", "CONTACTS"),
}


def _key(kind, value):
    try:
        if kind == "VEHICLE":
            v = normalise.plate(value)
            return v, v
        if kind == "PHONE":
            v = normalise.phone(value)
            return v, v
    except normalise.NotRecognisedError:
        return f"as given:{normalise.text_key(value)}", value.strip()
    if kind == "PLACE":
        return f"|{normalise.text_key(value)}", value.strip()
    return f"name:{normalise.text_key(value)}", value.strip()


def forwards(apps, schema_editor):
    GradingRule = apps.get_model("intelligence", "GradingRule")
    for source, (s, a, h) in RULES.items():
        GradingRule.objects.get_or_create(
            source_type=source, defaults={"source_evaluation": s, "assessment": a, "handling": h}
        )
    MeetingType = apps.get_model("meetings", "MeetingType")
    for daily in MeetingType.objects.filter(code="daily"):
        if "INTELLIGENCE" not in daily.sources:
            daily.sources = [*daily.sources, "INTELLIGENCE"]
            daily.save(update_fields=["sources"])
    Subject = apps.get_model("intelligence", "Subject")
    Link = apps.get_model("intelligence", "Link")
    InterviewEntry = apps.get_model("missing", "InterviewEntry")
    subjects = {}
    s, a, h = RULES["RETURN_INTERVIEW"]
    for entry in (
        InterviewEntry.objects.select_related("interview__missing_episode").order_by("id").iterator()
    ):
        kind, link_type = ENTRY[entry.kind]
        key, name = _key(kind, entry.value)
        subject = subjects.get((kind, key))
        if subject is None:
            subject = Subject.objects.filter(kind=kind, key=key[:200]).order_by("-confirmed", "id").first()
        if subject is None:
            subject = Subject.objects.create(
                kind=kind,
                name=name[:200],
                key=key[:200],
                confirmed=False,
                place_kind="OTHER" if kind == "PLACE" else "",
            )
        subjects[(kind, key)] = subject
        interview = entry.interview
        episode = interview.missing_episode
        seen = (interview.completed_at or episode.returned_at or episode.reported_at).date()
        Link.objects.get_or_create(
            child_id=entry.person_id,
            subject=subject,
            link_type=link_type,
            source_type="RETURN_INTERVIEW",
            source_id=str(interview.pk),
            defaults={
                "first_seen": seen,
                "last_seen": seen,
                "detail": entry.detail,
                "source_evaluation": s,
                "assessment": a,
                "handling": h,
                "agencies": [],
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intelligence", "0001_initial"),
        ("missing", "0010_text_limits"),
        ("meetings", "0004_text_limits"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
