# Case audits (issue 22): the templates and themes a hub starts with. Data, not code: a team
# manager changes them on the Templates and Themes pages (a new version of a template).

from django.db import migrations
from django.utils import timezone

THEMES = [
    ("Case summaries", "A case summary present, current and useful to someone new to the child"),
    ("Chronology", "Significant events marked, so the chronology tells the child's story"),
    ("Assessment and evidence", "The level of risk matches its evidence, and the rationale says why"),
    ("Plans", "Plans specific, with owners and dates, and reviewed"),
    ("Voice of the child", "The child's own words evident, recent and shaping the work"),
    ("Supervision and oversight", "Supervision and management oversight evident and acted on"),
    ("Language", "Language free of victim-blaming: the child is exploited, not 'risk-taking'"),
    ("Meeting decisions", "The daily meeting's decisions on the child's file, and acted on"),
    ("Return interviews", "Return interviews offered and held within 72 hours, and used"),
    ("Multi-agency working", "Partners' information shared, recorded and acted on"),
    ("Disruption", "Action against those who exploit the child considered and recorded"),
]

CASE_AUDIT = [
    (
        "The record",
        "",
        [
            (
                "Is there a case summary, current and useful to someone new to the child?",
                "Written or reviewed within the practice standard; says who the child is, the risks, "
                "what is working and the plan.",
                "CASE_SUMMARY",
            ),
            (
                "Does the chronology tell the child's story?",
                "Significant events are marked and the chronology is up to date.",
                "CHRONOLOGY",
            ),
            (
                "Are the daily meeting's decisions about the child on the file, and acted on?",
                "Each decision and action of the daily meeting is on the child's record.",
                "MEETING_DECISIONS",
            ),
        ],
    ),
    (
        "Assessment and plan",
        "",
        [
            (
                "Does the assessment's level of risk match its evidence?",
                "The level is explained; where it differs from the suggested level, the rationale says why.",
                "ASSESSMENT",
            ),
            (
                "Is the plan specific, with owners and dates?",
                "Each action says who does what by when; the plan has been reviewed.",
                "PLAN",
            ),
        ],
    ),
    (
        "The child",
        "",
        [
            (
                "Is the child's voice evident and recent, and has it shaped the work?",
                "The child's own words, gathered recently, and what they changed.",
                "CHILD_VOICE",
            ),
            (
                "Is the language of the record free of victim-blaming?",
                "The child is described as exploited or at risk of exploitation, never as choosing it.",
                "LANGUAGE",
            ),
        ],
    ),
    (
        "Management oversight",
        "",
        [
            (
                "Are supervision and management oversight evident, and acted on?",
                "Supervision within the practice standard; its decisions followed up.",
                "SUPERVISION",
            ),
        ],
    ),
]

RETURN_INTERVIEW_AUDIT = [
    (
        "The return interview",
        "",
        [
            (
                "Was the interview offered and held within 72 hours of the child's return?",
                "Offered promptly, in a way and place the child chose.",
                "RETURN_INTERVIEW",
            ),
            (
                "Does the record give the child's account in their own words?",
                "What happened, where, with whom, and what would help, in the child's words.",
                "RETURN_INTERVIEW",
            ),
            (
                "Were push and pull factors and indicators of exploitation explored?",
                "The interviewer asked about the reasons for going missing and about exploitation.",
                "",
            ),
            (
                "Was what the child said shared and acted on?",
                "Intelligence shared with police; a referral or the plan changed where needed.",
                "",
            ),
            (
                "Is the language of the record free of victim-blaming?",
                "The child is described as exploited or at risk, never as choosing it.",
                "LANGUAGE",
            ),
        ],
    ),
]

MULTI_AGENCY_AUDIT = [
    (
        "Hub casework (social care)",
        "",
        [
            ("Is there a case summary, current and useful?", "", "CASE_SUMMARY"),
            ("Does the assessment's level of risk match its evidence?", "", "ASSESSMENT"),
            ("Is the child's voice evident and recent?", "", "CHILD_VOICE"),
        ],
    ),
    (
        "Police",
        "POLICE",
        [
            (
                "Was police information about the child and those exploiting them shared with the hub?",
                "Intelligence submitted and shared at the daily meeting.",
                "MEETING_DECISIONS",
            ),
            (
                "Was disruption of those exploiting the child considered and recorded?",
                "",
                "",
            ),
        ],
    ),
    (
        "Health",
        "HEALTH",
        [
            (
                "Were the child's health needs (sexual health, substance use, emotional health) assessed "
                "and met?",
                "",
                "",
            ),
        ],
    ),
]

TEMPLATES = [
    (
        "Hub case audit",
        "EPISODE",
        "The hub's audit of a child's case: the record, assessment and plan, the child, and "
        "management oversight.",
        CASE_AUDIT,
    ),
    (
        "Return interview peer audit",
        "RETURN_INTERVIEW",
        "A missing-service worker's audit of a colleague's return interview.",
        RETURN_INTERVIEW_AUDIT,
    ),
    (
        "Multi-agency case audit",
        "EPISODE",
        "Social care, police and health each answer their own sections about one child.",
        MULTI_AGENCY_AUDIT,
    ),
]


def seed(apps, schema_editor):
    theme_model = apps.get_model("caseaudits", "Theme")
    template_model = apps.get_model("caseaudits", "AuditTemplate")
    section_model = apps.get_model("caseaudits", "TemplateSection")
    question_model = apps.get_model("caseaudits", "Question")
    now = timezone.now()
    for name, description in THEMES:
        theme_model.objects.create(name=name, description=description)
    for name, subject, description, sections in TEMPLATES:
        template = template_model.objects.create(
            name=name, subject=subject, description=description, status="PUBLISHED", published_at=now
        )
        for s, (title, agency, questions) in enumerate(sections, start=1):
            section = section_model.objects.create(template=template, position=s, title=title, agency=agency)
            for q, (text, guidance, evidence) in enumerate(questions, start=1):
                question_model.objects.create(
                    section=section, position=q, text=text, guidance=guidance, evidence=evidence
                )


def unseed(apps, schema_editor):
    for model in ("Question", "TemplateSection", "AuditTemplate", "Theme"):
        apps.get_model("caseaudits", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("caseaudits", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
