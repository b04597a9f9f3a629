"""Demo annual report text (part D): the last reporting year's commentary, priorities and
the scrutiny cover report's details, so the annual and scrutiny reports read as a hub's.
Written through the reports room's actions, as the strategic lead would."""

import datetime as dt

from cshub.access.models import User
from cshub.assurance.dashboard import reporting_year
from cshub.reports import actions
from cshub.reports.annual import year_label
from cshub.reports.models import AnnualPart

TEXTS: dict[str, str] = {
    AnnualPart.INTRODUCTION: (
        "This is the hub's annual report for {year}. It sets out who the hub worked with, what "
        "difference the work made for children, what children and their families told us, and "
        "what the partnership did to disrupt the adults who exploit children.\n\n"
        "The hub brings children's social care, police, health, early help and the missing "
        "service together in one team, working with children at risk of sexual and criminal "
        "exploitation and with every child reported missing from home or care."
    ),
    AnnualPart.CONTEXT: (
        "Referrals stayed at a similar level to the year before. Most were about criminal "
        "exploitation, and a growing share came from schools after the hub's training for "
        "designated safeguarding leads. Consultations let partners ask for advice early."
    ),
    AnnualPart.CHILDREN: (
        "Most children referred were boys aged 14 to 16, reflecting the weight of criminal "
        "exploitation. The hub is looking at how girls at risk of criminal exploitation are "
        "identified, and at children from the most deprived neighbourhoods."
    ),
    AnnualPart.MISSING: (
        "Return interviews within 72 hours improved after the missing service changed its "
        "rota to cover weekends. Children who go missing often are discussed at the missing "
        "panel, which agrees a plan with the allocated worker."
    ),
    AnnualPart.IMPACT: (
        "When the hub's work ended, most children were in education, employment or training, "
        "were living somewhere stable and had a trusted relationship with an adult. Children "
        "went missing less often than before the hub's work."
    ),
    AnnualPart.FEEDBACK: (
        "Children told us that having one worker who stayed with them mattered most. Parents "
        "and carers asked to hear sooner when their child's plan changed; the hub now shares "
        "the plan with them after each review."
    ),
    AnnualPart.DISRUPTION: (
        "Police and the hub worked together against the adults and places linked to children. "
        "Disruption activity is recorded in CSHub from this year's end, so next year's report "
        "counts it here."
    ),
    AnnualPart.QUALITY: (
        "Managers agreed with most assessed risk levels, and most first assessments were on "
        "time. The hub's programme of case audits began after the year ended; its findings "
        "will be reported next year."
    ),
    AnnualPart.LAST_PRIORITIES: (
        "Return interviews within 72 hours: improved, and now a standing item at performance "
        "meetings.\n\nTraining based on a training needs analysis: the analysis is held in "
        "CSHub and each team's gaps are known; the courses are under way.\n\nWorking with "
        "schools: done, with the training for designated safeguarding leads."
    ),
    AnnualPart.PRIORITIES: (
        "1. Understand and act on disproportionality in who is referred to the hub.\n"
        "2. Hear more from parents and carers, and act on what they say.\n"
        "3. Keep every child's case summary and plan within the practice standards."
    ),
}


def build_annual_report(users: dict[str, User], today: dt.date) -> None:
    """The texts of the last complete reporting year's annual report."""
    lead = users["lead"]
    year = reporting_year(today) - 1
    label = year_label(year)
    for part, text in TEXTS.items():
        actions.write_annual_text(year, part, text.format(year=label), actor=lead)
    actions.write_scrutiny_cover(
        year,
        actions.CoverDetails(
            report_to="Children and Young People Scrutiny Committee",
            meeting_date=dt.date(year + 1, 7, 15),
            subject=f"Annual report of the Complex Safeguarding Hub, {label}",
            report_of="Strategic Director of Children's Services",
            summary=(
                f"The attached annual report of the Complex Safeguarding Hub for {label} sets out the "
                "partnership's response to children at risk of exploitation and children reported "
                "missing: the children referred, the difference the hub's work made, what children "
                "and families told us, the quality of practice and the priorities for next year."
            ),
            recommendations="\n".join(
                [
                    "Recognise the partnership's work to protect children at risk of exploitation.",
                    "Comment on the effectiveness of the arrangements that support children's outcomes.",
                    "Comment on the analysis of disproportionality and the action taken in response.",
                    f"Endorse the proposed priorities for {year_label(year + 1)}.",
                ]
            ),
            wards_affected="All",
            contact=(
                "Strategic Lead, Complex Safeguarding\ncomplex.safeguarding@example.gov.uk\n0161 496 0000"
            ),
        ),
        actor=lead,
    )
