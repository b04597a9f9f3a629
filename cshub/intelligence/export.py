"""Exports of a network view: an i2 Analyst's Notebook chart (ANX XML) and CSV (entities
and links, in a zip). Built from the same rows the page shows (`queries.network`), so an
export holds nothing the reader could not see: a child they may not see is "a restricted
record", and items with handling conditions that do not name them are left out (their
number is in the header). Each export carries who made it, when, and the handling codes."""

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET  # nosec B405 # ElementTree only writes the ANX chart; nothing is parsed with it

from django.db import models
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.events import record_about_children, record_event
from cshub.audit.models import Action
from cshub.core import spreadsheet
from cshub.core.dates import format_datetime
from cshub.intelligence.models import Link
from cshub.intelligence.queries import RESTRICTED_RECORD, Row


class EmptyView(ValueError):  # noqa: N818 - a message for the user, not a fault
    pass


@dataclass(frozen=True)
class Entity:
    id: str
    label: str
    type: str  # "Child", "Restricted record", or the subject's kind


@dataclass(frozen=True)
class Edge:
    id: str
    end1: str
    end2: str
    type: str
    link: Link


@dataclass
class Chart:
    entities: list[Entity]
    edges: list[Edge]
    hidden: int  # items with handling conditions left out
    by: str
    at: str

    @property
    def handling_codes(self) -> list[str]:
        return sorted({e.link.handling for e in self.edges})


def build(rows: list[Row], user: User) -> Chart:
    shown = [r for r in rows if r.visible]
    if not shown:
        raise EmptyView("There is nothing to export: no links you may see match this view")
    entities: dict[str, Entity] = {}
    edges = []
    for r in shown:
        link = r.link
        if link.child_id is not None:
            if r.child_hidden or r.child is None:
                start = Entity(f"restricted-{link.pk}", RESTRICTED_RECORD, "Restricted record")
            else:
                start = Entity(f"child-{r.child.pk}", r.child.full_name, "Child")
        else:
            assert link.from_subject is not None
            start = Entity(
                f"subject-{link.from_subject.pk}",
                link.from_subject.name,
                link.from_subject.get_kind_display(),
            )
        end = Entity(f"subject-{link.subject.pk}", link.subject.name, link.subject.get_kind_display())
        entities.setdefault(start.id, start)
        entities.setdefault(end.id, end)
        edges.append(Edge(f"link-{link.pk}", start.id, end.id, link.get_link_type_display(), link))
    return Chart(
        list(entities.values()),
        edges,
        hidden=len(rows) - len(shown),
        by=f"{user.get_full_name()} ({user.get_agency_display()})",
        at=format_datetime(timezone.now()),
    )


def _attr(parent: ET.Element, cls: str, value: str) -> None:
    ET.SubElement(parent, "Attribute", AttributeClass=cls, Value=value)


def to_anx(chart: Chart) -> bytes:
    root = ET.Element("Chart", IdReferenceLinking="false")
    summary = ET.SubElement(root, "Summary")
    fields = ET.SubElement(summary, "CustomPropertyCollection")
    for name, value in (
        ("Exported by", chart.by),
        ("Exported at", chart.at),
        ("Handling codes", " ".join(chart.handling_codes)),
        ("Items with handling conditions left out", str(chart.hidden)),
    ):
        ET.SubElement(fields, "CustomProperty", Name=name, Type="String", Value=value)
    classes = ET.SubElement(root, "AttributeClassCollection")
    for name in ("First seen", "Last seen", "Grading", "Handling code", "Graded by rule", "Source"):
        ET.SubElement(classes, "AttributeClass", Name=name, Type="AttText", Visible="true")
    entity_types = ET.SubElement(root, "EntityTypeCollection")
    for name in sorted({e.type for e in chart.entities}):
        ET.SubElement(entity_types, "EntityType", Name=name, IconFile=name.replace(" ", ""))
    link_types = ET.SubElement(root, "LinkTypeCollection")
    for name in sorted({e.type for e in chart.edges}):
        ET.SubElement(link_types, "LinkType", Name=name, Colour="0")
    items = ET.SubElement(root, "ChartItemCollection")
    for entity in chart.entities:
        item = ET.SubElement(items, "ChartItem", Label=entity.label)
        end = ET.SubElement(item, "End")
        node = ET.SubElement(end, "Entity", EntityId=entity.id, Identity=entity.label)
        icon = ET.SubElement(node, "Icon")
        ET.SubElement(icon, "IconStyle", Type=entity.type)
    for edge in chart.edges:
        link = edge.link
        item = ET.SubElement(items, "ChartItem", Label=edge.type)
        if link.first_seen:
            item.set("DateTime", f"{link.first_seen.isoformat()}T00:00:00")
            item.set("DateSet", "true")
        node = ET.SubElement(item, "Link", End1Id=edge.end1, End2Id=edge.end2)
        ET.SubElement(node, "LinkStyle", Type=edge.type, ArrowStyle="ArrowOnHead")
        attributes = ET.SubElement(item, "AttributeCollection")
        _attr(attributes, "First seen", link.first_seen.isoformat() if link.first_seen else "")
        _attr(attributes, "Last seen", link.last_seen.isoformat() if link.last_seen else "")
        _attr(attributes, "Grading", link.grading)
        _attr(attributes, "Handling code", link.handling)
        _attr(attributes, "Graded by rule", "yes" if link.graded_by_rule else "no")
        _attr(attributes, "Source", link.get_source_type_display())
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(ET.tostring(root, encoding="utf-8"))


def to_csv_zip(chart: Chart) -> bytes:
    header = [
        f"# Exported by {chart.by} at {chart.at}; handling codes {' '.join(chart.handling_codes)}; "
        f"{chart.hidden} items with handling conditions left out"
    ]
    entities = io.StringIO()
    w = spreadsheet.writer(entities)
    w.writerow(header)
    w.writerow(["id", "type", "label"])
    for e in chart.entities:
        w.writerow([e.id, e.type, e.label])
    links = io.StringIO()
    w = spreadsheet.writer(links)
    w.writerow(header)
    w.writerow(
        [
            "id",
            "from",
            "to",
            "type",
            "first_seen",
            "last_seen",
            "grading",
            "handling",
            "graded_by_rule",
            "source",
        ]
    )
    for edge in chart.edges:
        link = edge.link
        w.writerow(
            [
                edge.id,
                edge.end1,
                edge.end2,
                edge.type,
                link.first_seen.isoformat() if link.first_seen else "",
                link.last_seen.isoformat() if link.last_seen else "",
                link.grading,
                link.handling,
                "yes" if link.graded_by_rule else "no",
                link.get_source_type_display(),
            ]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("entities.csv", entities.getvalue())
        z.writestr("links.csv", links.getvalue())
    return buffer.getvalue()


def render(
    rows: list[Row], user: User, fmt: str, *, around: models.Model, child_id: int | None
) -> tuple[bytes, str, str]:
    """(content, content type, file name); the export is audited: one EXPORT event on what
    it is around, and one per child it names."""
    chart = build(rows, user)
    detail = {
        "format": fmt,
        "links": len(chart.edges),
        "handling": chart.handling_codes,
        "hidden": chart.hidden,
    }
    record_event(user, Action.EXPORT, around, child_id=child_id, detail=detail)
    named = [int(e.id.split("-")[1]) for e in chart.entities if e.type == "Child"]
    record_about_children(
        user,
        Action.EXPORT,
        [pk for pk in named if pk != child_id],
        detail={"part": "intelligence network", "format": fmt},
    )
    if fmt == "anx":
        return to_anx(chart), "application/xml", "network.anx"
    return to_csv_zip(chart), "application/zip", "network-csv.zip"
