"""The CIN census XML as rows of the SSD tables (read with defusedxml, line by line)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax import SAXParseException  # nosec B406 # a type only: parsing goes through defusedxml.sax
from xml.sax.handler import ContentHandler  # nosec B406 # the handler base class: parsing goes through defusedxml.sax
from xml.sax.xmlreader import Locator  # nosec B406 # a type only: parsing goes through defusedxml.sax

from defusedxml import DefusedXmlException
from defusedxml.sax import parseString

from cshub.interchange.reader import Parsed, Problem
from cshub.interchange.returns.common import Record, Source, _clean, _Ids, _iso

# CIN census ---------------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    line: int
    text: str = ""
    children: list["_Node"] = field(default_factory=list)

    def all(self, tag: str) -> list["_Node"]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> "_Node | None":
        return next((c for c in self.children if c.tag == tag), None)


class _Tree(ContentHandler):
    """The XML as nodes that remember their line (for `file:line: element: message`)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[_Node] = [_Node("", 1)]
        self.locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 (the SAX interface)
        self.locator = locator

    def startElement(self, name: str, attrs: object) -> None:  # noqa: N802
        line = (self.locator.getLineNumber() if self.locator else None) or 1
        node = _Node(name.rpartition(":")[2], line)
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def endElement(self, name: str) -> None:  # noqa: N802
        node = self.stack.pop()
        node.text = node.text.strip()

    def characters(self, content: str) -> None:
        self.stack[-1].text += content


# The elements CSHub reads (or that only describe the return); others are named in a warning.
_CIN_READ = frozenset(
    {
        "Message",
        "Header",
        "CollectionDetails",
        "Collection",
        "Year",
        "ReferenceDate",
        "Source",
        "SourceLevel",
        "LEA",
        "SoftwareCode",
        "Release",
        "SerialNo",
        "DateTime",
        "Children",
        "Child",
        "ChildIdentifiers",
        "LAchildID",
        "UPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "Sex",
        "GenderCurrent",
        "PersonDeathDate",
        "ChildCharacteristics",
        "Ethnicity",
        "CINdetails",
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "ReferralNFA",
        "Assessments",
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
        "FactorsIdentifiedAtAssessment",
        "AssessmentFactors",
        "ChildProtectionPlans",
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
    }
)
# GenderCurrent, before the 2024-25 census had Sex: 1 male, 2 female, 0 not known, 9 indeterminate.
_GENDER_CURRENT = {"1": "M", "2": "F", "0": "U", "9": "U"}
_NFA = {"1": "Y", "TRUE": "Y", "0": "N", "FALSE": "N"}


def _unread(node: _Node) -> Iterable[str]:
    for child in node.children:
        if child.tag not in _CIN_READ:
            yield child.tag
        else:
            yield from _unread(child)


class _Cells:
    """Cells of one record taken from elements, each remembering its element and line."""

    def __init__(self, source: Source, line: int) -> None:
        self.source, self.record = source, Record(line)
        source.records.append(self.record)

    def put(self, column: str, parent: _Node | None, tag: str, convert: dict[str, str] | None = None) -> str:
        node = parent.first(tag) if parent is not None else None
        text = _clean(node.text) if node is not None else ""
        if convert is not None:
            text = convert.get(text.upper(), text)
        self.record.cells[column] = text
        if node is not None:
            self.record.lines[column] = node.line
            self.source.labels.setdefault(column, tag)
        return text

    def set(self, column: str, text: str) -> None:
        self.record.cells[column] = text


def _cin(parsed: Parsed, name: str, data: bytes) -> list[Source]:
    tree = _Tree()
    try:
        parseString(data, tree)
    except DefusedXmlException:
        parsed.errors.append(
            Problem(
                name,
                1,
                "-",
                "the XML declares entities, which CSHub does not read: export it again without a DOCTYPE",
            )
        )
        return []
    except SAXParseException as exc:
        parsed.errors.append(
            Problem(name, exc.getLineNumber() or 1, "-", f"not well-formed XML ({exc.getMessage()})")
        )
        return []
    message = tree.stack[0].first("Message")
    children = message.first("Children") if message else None
    people = Source("person", name, {"pers_person_id": "LAchildID"})
    episodes = Source(
        "cin_episode", name, {"cine_referral_id": "CINreferralDate", "cine_person_id": "LAchildID"}
    )
    assessments = Source(
        "cin_assessment",
        name,
        {"cina_assessment_id": "AssessmentActualStartDate", "cina_person_id": "LAchildID"},
    )
    factors = Source(
        "assessment_factor",
        name,
        {"cinf_table_id": "AssessmentFactors", "cinf_assessment_id": "AssessmentFactors"},
    )
    plans = Source("cp_plan", name, {"cppl_cp_plan_id": "CPPstartDate", "cppl_person_id": "LAchildID"})
    episode_ids, assessment_ids, plan_ids = _Ids(), _Ids(), _Ids()
    for child in children.all("Child") if children else []:
        ids, about = child.first("ChildIdentifiers"), child.first("ChildCharacteristics")
        person = _Cells(people, child.line)
        la = person.put("pers_person_id", ids, "LAchildID")
        person.put("pers_upn", ids, "UPN")
        person.put("pers_upn_unknown", ids, "UPNunknown")
        person.put("pers_dob", ids, "PersonBirthDate")
        person.put("pers_expected_dob", ids, "ExpectedPersonBirthDate")
        person.put("pers_death_date", ids, "PersonDeathDate")
        if ids is not None and ids.first("Sex") is None and ids.first("GenderCurrent") is not None:
            person.put("pers_sex", ids, "GenderCurrent", _GENDER_CURRENT)
        else:
            person.put("pers_sex", ids, "Sex")
        person.put("pers_ethnicity", about, "Ethnicity")
        for details in child.all("CINdetails"):
            episode = _Cells(episodes, details.line)
            referred = episode.put("cine_referral_date", details, "CINreferralDate")
            episode_id = episode_ids(f"cin:{la}:{_iso(referred)}")
            episode.set("cine_referral_id", episode_id)
            episode.set("cine_person_id", la)
            episode.put("cine_referral_source_code", details, "ReferralSource")
            episode.put("cine_cin_primary_need_code", details, "PrimaryNeedCode")
            episode.put("cine_close_date", details, "CINclosureDate")
            episode.put("cine_close_reason", details, "ReasonForClosure")
            episode.put("cine_referral_nfa", details, "ReferralNFA", _NFA)
            for assessment in details.all("Assessments"):
                cells = _Cells(assessments, assessment.line)
                started = cells.put("cina_assessment_start_date", assessment, "AssessmentActualStartDate")
                assessment_id = assessment_ids(f"{episode_id}:{_iso(started)}")
                cells.set("cina_assessment_id", assessment_id)
                cells.set("cina_person_id", la)
                cells.set("cina_referral_id", episode_id)
                cells.put("cina_assessment_auth_date", assessment, "AssessmentAuthorisationDate")
                found = assessment.first("FactorsIdentifiedAtAssessment")
                codes = [_clean(f.text) for f in found.all("AssessmentFactors")] if found else []
                if any(codes):
                    factor = _Cells(factors, found.line if found else assessment.line)
                    factor.set("cinf_table_id", assessment_id)
                    factor.set("cinf_assessment_id", assessment_id)
                    factor.set("cinf_assessment_factors_json", json.dumps([c for c in codes if c]))
            for plan in details.all("ChildProtectionPlans"):
                cells = _Cells(plans, plan.line)
                started = cells.put("cppl_cp_plan_start_date", plan, "CPPstartDate")
                cells.set("cppl_cp_plan_id", plan_ids(f"cin:{la}:{_iso(started)}"))
                cells.set("cppl_person_id", la)
                cells.set("cppl_referral_id", episode_id)
                cells.put("cppl_cp_plan_end_date", plan, "CPPendDate")
                cells.put("cppl_cp_plan_initial_category", plan, "InitialCategoryOfAbuse")
                cells.put("cppl_cp_plan_latest_category", plan, "LatestCategoryOfAbuse")
    unread = sorted(set(_unread(tree.stack[0])))
    if unread:
        parsed.warnings.append(Problem(name, 1, "-", f"elements not read: {', '.join(unread)}"))
    return [people, episodes, assessments, factors, plans]
