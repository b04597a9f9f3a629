"""The workforce's training (docs/metrics.md, "Training"; docs/workforce.md): of the
(active member of staff, required course) pairs, the share up to date on the period's last
day (today while the period runs), by agency and by team. Counted in the database by
`workforce.training.shares`, which holds the rule. Never a figure per person."""

from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.core.codes import Agency
from cshub.workforce.models import Team
from cshub.workforce.training import shares

AGENCIES = list(Agency.values)


def compute(period: Period) -> Metrics:
    found = shares(period.measured_on)
    figures: Metrics = {"training.up_to_date": Percent(found.total.up_to_date, found.total.pairs)}
    for agency in AGENCIES:
        share = found.by_agency.get(agency)
        figures[f"training.up_to_date.by_agency.{agency}"] = Percent(
            share.up_to_date if share else 0, share.pairs if share else 0
        )
    # Every team in use, and any other team someone is still in.
    teams = set(Team.objects.filter(active=True).values_list("pk", flat=True))
    teams |= {t for t in found.by_team if t is not None}
    for team in sorted(teams):
        share = found.by_team.get(team)
        figures[f"training.up_to_date.by_team.{team}"] = Percent(
            share.up_to_date if share else 0, share.pairs if share else 0
        )
    return figures
