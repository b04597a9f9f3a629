"""Tables as cards keep their column names without JavaScript (issue 16): the server writes
each body cell's `data-label` from the table's header row (cshub.core.cards)."""

import re
from typing import Any

import pytest
from django.template import Context, Template

from cshub.core.cards import label_cells


def test_each_body_cell_is_labelled_with_its_column() -> None:
    html = (
        '<table class="govuk-table cshub-cards">\n'
        '<thead><tr><th scope="col">Child</th><th scope="col">Time <a href="#">left</a></th>'
        '<th scope="col" colspan="2">Where &amp; who</th>'
        '<th scope="col"><span class="govuk-visually-hidden">Action</span></th></tr></thead>\n'
        '<tbody><tr><th scope="row">A</th><td>1</td><td data-label="Given">2</td><td>3</td><td>go</td></tr>\n'
        '<tr><td colspan="2">both</td><td>q<table><thead><tr><th>Inner</th></tr></thead>'
        "<tbody><tr><td>z</td></tr></tbody></table></td><td>r</td><td>s</td></tr></tbody></table>"
        '<table class="govuk-table"><thead><tr><th>Plain</th></tr></thead><tbody><tr><td>p</td></tr></tbody></table>'
    )
    out = label_cells(html)
    assert '<th scope="row">A</th>' in out  # a row header is the card's title
    assert '<td data-label="Time left">1</td>' in out
    assert '<td data-label="Given">2</td>' in out  # a label the template gave is kept
    assert '<td data-label="Where &amp; who">3</td>' in out
    assert "<td>go</td>" in out  # a column whose name is visually hidden gets none
    assert '<td data-label="Child" colspan="2">both</td>' in out
    assert '<td data-label="Where &amp; who">q<table>' in out
    assert "<td>z</td>" in out and "<td>p</td>" in out  # other tables are left alone
    assert '<td data-label="Where &amp; who">r</td>' in out and "<td>s</td>" in out
    # Nothing else changes.
    assert re.sub(r' data-label="[^"]*"', "", out) == re.sub(r' data-label="[^"]*"', "", html)


def test_the_cards_tag_labels_what_it_wraps() -> None:
    template = Template(
        '{% cards %}<table class="cshub-cards"><thead><tr><th>Name</th></tr></thead>'
        "<tbody>{% for n in names %}<tr><td>{{ n }}</td></tr>{% endfor %}</tbody></table>{% endcards %}"
    )
    out = template.render(Context({"names": ["<b>", "Ann"]}))
    assert out.count('data-label="Name"') == 2
    assert '<td data-label="Name">&lt;b&gt;</td>' in out


@pytest.mark.django_db
def test_the_pages_write_the_labels_themselves(hub: dict[str, Any], client_for: Any) -> None:
    """Without JavaScript, the return-interview queue and my caseload carry each cell's label."""
    queue = client_for("team_manager").get("/missing/return-interviews/").content.decode()
    assert 'data-label="Time left"' in queue and 'data-label="Hub worker"' in queue
    caseload = client_for("practitioner").get("/caseload/").content.decode()
    assert 'class="govuk-table cshub-cards"' in caseload
    assert 'data-label="Practice standards"' in caseload


@pytest.mark.django_db
def test_the_queue_does_not_claim_to_scroll_sideways(hub: dict[str, Any], client_for: Any) -> None:
    """On small screens the queue is cards and does not scroll: its region's name says only
    what it holds."""
    queue = client_for("team_manager").get("/missing/return-interviews/").content.decode()
    assert 'aria-label="Return interviews to do"' in queue
    assert "scrolls sideways" not in queue
