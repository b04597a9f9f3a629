"""The indicator catalogue and version 1 of the scoring rules. A hub changes them by adding
a new rules version (never by editing one that assessments were scored with)."""

import datetime as dt

from django.db import migrations

# (code, domain, label, CIN factor, points)
INDICATORS = [
    ("missing-episodes", "VULNERABILITY", "Goes missing from home or care", "10A", 2),
    ("not-in-education", "VULNERABILITY", "Excluded, on a reduced timetable or not in education", "", 1),
    ("placement-instability", "VULNERABILITY", "Looked after, or moves of placement or home", "", 1),
    ("substance-use", "VULNERABILITY", "Uses drugs or alcohol supplied by others", "1A", 1),
    ("mental-health", "VULNERABILITY", "Self-harm or emotional or mental health needs", "4A", 1),
    ("learning-needs", "VULNERABILITY", "Learning difficulties or communication needs", "5A", 1),
    ("trauma", "VULNERABILITY", "Bereavement, abuse or other trauma in childhood", "", 1),
    ("domestic-abuse", "VULNERABILITY", "Domestic abuse at home", "3A", 1),
    ("older-partner", "SEXUAL", "A relationship with an older person or a 'boyfriend' much older", "11A", 3),
    ("gifts-from-adults", "SEXUAL", "Gifts, money, lifts or substances from adults", "11A", 2),
    ("sexual-health", "SEXUAL", "Sexual health concerns, pregnancy or repeat testing", "11A", 2),
    ("parties-hotels", "SEXUAL", "Taken to parties, hotels or addresses by adults", "11A", 3),
    ("county-lines", "CRIMINAL", "Found out of area or linked to a county line", "24A", 3),
    ("carrying-drugs-cash", "CRIMINAL", "Found carrying drugs or large amounts of cash", "24A", 3),
    ("unexplained-items", "CRIMINAL", "Unexplained money, phones, clothes or trainers", "24A", 2),
    ("weapons", "CRIMINAL", "Carries a weapon, or threatened with one", "13A", 3),
    ("debt-bondage", "CRIMINAL", "Owes a debt to adults (debt bondage)", "24A", 3),
    ("arrested-with-adults", "CRIMINAL", "Arrested with older people or in another area", "24A", 2),
    ("online-contact", "ONLINE", "Contacted online by adults not known to the family", "", 2),
    ("image-sharing", "ONLINE", "Pressured into sharing images, or images shared by others", "11A", 3),
    (
        "moved-for-exploitation",
        "TRAFFICKING",
        "Moved between places for the purpose of exploitation",
        "12A",
        4,
    ),
    (
        "controlled-documents",
        "TRAFFICKING",
        "Identity documents or phone controlled by someone else",
        "12A",
        3,
    ),
    ("locations-of-concern", "PLACES_PEOPLE", "Seen at locations of concern", "", 2),
    ("peers-exploited", "PLACES_PEOPLE", "Friends or peers who are being exploited", "13A", 2),
    ("adults-of-concern", "PLACES_PEOPLE", "Named adults of concern in contact with the child", "", 3),
    ("family-unable-to-protect", "FAMILY", "Parents or carers are not able to keep the child safe", "", 2),
    ("family-linked", "FAMILY", "Family members are linked to the people exploiting the child", "", 3),
    ("trusted-adult", "STRENGTHS", "Has a trusted adult they talk to", "", -1),
    ("engaged-education", "STRENGTHS", "Attends education, training or a positive activity", "", -1),
    ("family-protective", "STRENGTHS", "Parents or carers work with professionals to protect", "", -1),
    ("engages-with-hub", "STRENGTHS", "Keeps in touch with their hub worker", "", -1),
]
ALWAYS_HIGH = ["moved-for-exploitation", "weapons"]


def seed(apps, schema_editor):
    Indicator = apps.get_model("assessments", "Indicator")
    ScoringRules = apps.get_model("assessments", "ScoringRules")
    for order, (code, domain, label, cin, _) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code, defaults={"domain": domain, "label": label, "cin_factor": cin, "order": order * 10}
        )
    ScoringRules.objects.update_or_create(
        version=1,
        defaults={
            "weights": {code: points for code, _, _, _, points in INDICATORS},
            "medium_from": 5,
            "high_from": 10,
            "always_high": ALWAYS_HIGH,
            "introduced_on": dt.date(2026, 11, 23),
            "note": "First rules: points per indicator present; strengths take a point off. "
            "Moved for exploitation or a weapon suggest HIGH on their own.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("assessments", "ScoringRules").objects.filter(version=1).delete()
    apps.get_model("assessments", "Indicator").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
