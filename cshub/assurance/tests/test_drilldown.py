import datetime as dt

import pytest
from django.urls import reverse

from cshub.assurance.metrics import compute
from cshub.assurance.metrics.base import Count, Percent, Period
from cshub.assurance.metrics.drilldown import DRILLS, children
from cshub.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_every_drill_down_counts_what_its_figure_counts(hub):
    period = Period(TODAY - dt.timedelta(days=365), TODAY)
    figures = compute(period)
    for name in DRILLS:
        ids, records = children(name, period)
        figure = figures[name]
        expected = figure.numerator if isinstance(figure, Percent) else figure.value
        if name == "missing.children":
            assert isinstance(figure, Count) and len(set(ids)) == figure.value, name
        else:
            assert records == expected, name


def test_the_children_behind_a_figure_for_a_manager_not_an_analyst(hub, client_for):
    url = reverse("assurance:drilldown", args=["missing.reports"])
    page = client_for("team_manager").get(url).content.decode()
    assert "Ashcombe" in page
    assert client_for("analyst").get(url).status_code == 403
    assert client_for("team_manager").get(reverse("assurance:drilldown", args=["nope"])).status_code == 404
    dashboard = client_for("team_manager").get(reverse("assurance:performance")).content.decode()
    assert "The children behind this" in dashboard
    assert (
        "The children behind this"
        not in client_for("analyst").get(reverse("assurance:performance")).content.decode()
    )
