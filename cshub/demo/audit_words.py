"""The demo's case audits in words, and who audits: the auditors it adds, the themes its findings take, and
what auditors write (cshub/demo/audits.py draws and answers the audits)."""

from cshub.access.actions import create_user
from cshub.access.models import User
from cshub.caseaudits.models import AnswerChoice, Evidence, Grade
from cshub.demo.accounts import DEMO_PASSWORD, DemoAccount

# The hub's auditors besides the team manager, and a second missing-service worker so that
# return interviews can be peer audited (nobody audits their own work).
AUDITORS = [
    DemoAccount(
        "senior.ffion", "Ffion", "Brackenridge", "SOCIAL_CARE", ("practitioner",), "Senior practitioner, hub"
    ),
    DemoAccount(
        "senior.emrys", "Emrys", "Tanglewood", "SOCIAL_CARE", ("practitioner",), "Advanced practitioner, hub"
    ),
    DemoAccount(
        "missing.seren",
        "Seren",
        "Willowmere",
        "MISSING_SERVICE",
        ("missing_worker",),
        "Missing from home worker",
    ),
]

# Which theme a question's evidence speaks to (findings are tagged with it).
THEME_OF = {
    Evidence.CASE_SUMMARY: "Case summaries",
    Evidence.CHRONOLOGY: "Chronology",
    Evidence.ASSESSMENT: "Assessment and evidence",
    Evidence.PLAN: "Plans",
    Evidence.CHILD_VOICE: "Voice of the child",
    Evidence.SUPERVISION: "Supervision and oversight",
    Evidence.LANGUAGE: "Language",
    Evidence.MEETING_DECISIONS: "Meeting decisions",
    Evidence.RETURN_INTERVIEW: "Return interviews",
}
# The themes the seeds' peer review found most often come first when a finding is recorded.
FIRST_THEMES = ("Case summaries", "Voice of the child", "Supervision and oversight")

COMMENTS: dict[tuple[str, str], str] = {
    (Evidence.CASE_SUMMARY, AnswerChoice.NO): "No case summary on the file.",
    (Evidence.CASE_SUMMARY, AnswerChoice.PARTLY): "The case summary is out of date and needs reviewing.",
    (
        Evidence.CASE_SUMMARY,
        AnswerChoice.YES,
    ): "A current summary: someone new to the child would understand the risks and the plan.",
    (Evidence.CHILD_VOICE, AnswerChoice.NO): "No words of the child on the record.",
    (Evidence.CHILD_VOICE, AnswerChoice.PARTLY): "The child's words are there but not recent.",
    (Evidence.CHILD_VOICE, AnswerChoice.YES): "The child's own words are recent and shaped the plan.",
    (Evidence.SUPERVISION, AnswerChoice.NO): "No supervision of this child's case on the file.",
    (
        Evidence.SUPERVISION,
        AnswerChoice.PARTLY,
    ): "Supervision is recorded but not within the practice standard.",
    (
        Evidence.SUPERVISION,
        AnswerChoice.YES,
    ): "Supervision within the standard, and its decisions followed up.",
    (Evidence.LANGUAGE, AnswerChoice.NO): "Phrases that could blame the child are on the record.",
    (Evidence.RETURN_INTERVIEW, AnswerChoice.NO): "Held more than 72 hours after the child came back.",
}
GENERIC = {
    AnswerChoice.YES: "Evident on the file.",
    AnswerChoice.PARTLY: "In part: the record does not show it consistently.",
    AnswerChoice.NO: "Not found on the file.",
    AnswerChoice.NOT_APPLICABLE: "Not applicable to this case.",
}
RATIONALE = {
    Grade.OUTSTANDING: "The record tells the child's story; risks, plan and the child's voice are current and drive the work.",
    Grade.GOOD: "Most of the record is current and the plan is clear; a few gaps to close.",
    Grade.REQUIRES_IMPROVEMENT: "The work with the child is happening, but the record does not show it: gaps in key areas.",
    Grade.INADEQUATE: "Key parts of the record are missing: someone new to the child could not see the risks or the plan.",
}
FEEDBACK = {
    Grade.OUTSTANDING: "Thank you: this is a record others can learn from. Please share how you keep the summary current.",
    Grade.GOOD: "A good record. Please bring the gaps noted below up to date.",
    Grade.REQUIRES_IMPROVEMENT: "Please talk through the findings with your supervisor and agree the actions below.",
    Grade.INADEQUATE: "Please book time with your team manager this week to go through the findings and actions.",
}
IMPROVE = {
    "Case summaries": "Case summary missing or out of date: write or review it within the practice standard.",
    "Voice of the child": "The child's own words are missing or old: record what the child says on each visit.",
    "Supervision and oversight": "Supervision of this case is hard to find: record it and follow up its decisions.",
    "Language": "Language on the record could be read as blaming the child: use the guidance's words instead.",
    "Plans": "The plan's actions need owners and dates.",
    "Assessment and evidence": "The level of risk needs its rationale recorded.",
    "Chronology": "Significant events are not marked on the chronology.",
    "Meeting decisions": "The daily meeting's decisions are not all on the file.",
    "Return interviews": "The interview was late and the delay is not explained to the child's network.",
}
ACTIONS = {
    "Case summaries": "Review and update the case summary",
    "Voice of the child": "Record the child's views from the next visit and what they change",
    "Supervision and oversight": "Bring the case to supervision and record its decisions",
    "Language": "Correct the language on the record, with the language guidance",
    "Plans": "Add owners and dates to every action of the plan",
    "Assessment and evidence": "Record the rationale for the level of risk",
    "Chronology": "Mark the significant events on the chronology",
    "Meeting decisions": "Record the daily meeting's decisions on the file",
    "Return interviews": "Agree with the missing service how late interviews are followed up",
}
STRENGTH = "The worker knows the child well and the child's views shape the plan."


def ensure_auditors() -> dict[str, User]:
    users: dict[str, User] = {}
    for account in AUDITORS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = create_user(
                account.username,
                agency=account.agency,
                roles=account.roles,
                actor=None,
                first_name=account.first_name,
                last_name=account.last_name,
                password=DEMO_PASSWORD,
                job_title=account.job_title,
                is_demo=True,
            )
        users[account.username] = user
    return users
