"""What a file is, from its content (never its name alone): the DfE returns a council has
to hand (the SSDA903 tables, the CIN census XML) and other XML. `recognise()` words it for
a message; `dfe_return()` says which return table CSHub reads it as.

An SSDA903 CSV is a table when the set of its header names equals that table's columns
(order free), as the DfE's validator decides (docs/research/dfe-returns.md)."""

import codecs
import csv
import io
import re

# csc-validator-be-903 `lac_validator/config.py`, `column_names`.
SSDA903_COLUMNS: dict[str, frozenset[str]] = {
    "header": frozenset({"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}),
    "episodes": frozenset(
        {
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        }
    ),
    "missing": frozenset({"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}),
    # The 903 tables CSHub does not read: named, so nobody wonders why nothing happened.
    "reviews": frozenset({"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}),
    "uasc": frozenset({"CHILD", "SEX", "DOB", "DUC"}),
    "oc2": frozenset(
        {
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        }
    ),
    "oc3": frozenset({"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}),
    "ad1": frozenset(
        {
            "CHILD",
            "DOB",
            "DATE_INT",
            "DATE_MATCH",
            "FOSTER_CARE",
            "NB_ADOPTR",
            "SEX_ADOPTR",
            "LS_ADOPTR",
        }
    ),
    "placed for adoption": frozenset(
        {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"}
    ),
    "previous permanence": frozenset({"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"}),
    "social worker episodes": frozenset({"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}),
    "deprivation of liberty": frozenset({"CHILD", "DOB", "DOLO_START", "DOLO_END"}),
}
# The 903 tables CSHub reads (returns.py); the others are named as such.
SSDA903_READ = ("header", "episodes", "missing")
CIN_CENSUS = "cin_census"

_XML_SKIP = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE(\[[^\]]*\]|[^>\[])*>)", re.S)
_XML_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")
_CIN_COLLECTION = re.compile(rb"<(?:\w+:)?Collection>\s*CIN\s*</(?:\w+:)?Collection>")


def _header(head: bytes) -> frozenset[str]:
    """The names in the first row of a CSV, from its first bytes."""
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(head[:65536])
    first = next(csv.reader(io.StringIO(text.partition("\n")[0].rstrip("\r"))), [])
    return frozenset(name.strip().upper() for name in first)


def _xml_root(head: bytes) -> str | None:
    data = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    position = 0
    while (skipped := _XML_SKIP.match(data, position)) is not None:
        position = skipped.end()
    root = _XML_ROOT.match(data, position)
    return root.group(1).decode("ascii", "replace").rpartition(":")[2] if root else None


def _is_xml(head: bytes) -> bool:
    return head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<")


def _ssda903_table(head: bytes) -> str | None:
    columns = _header(head)
    return next((t for t, names in SSDA903_COLUMNS.items() if names == columns), None)


def dfe_return(name: str, head: bytes) -> str | None:
    """`ssda903_header`, `ssda903_episodes`, `ssda903_missing` or `cin_census` for a file CSHub
    reads as that return (`head`: its first bytes, or all of it), whatever it is called;
    None for anything else."""
    if _is_xml(head):
        root = _xml_root(head)
        cin = _CIN_COLLECTION.search(head[:65536]) or b"<CINdetails" in head[:65536]
        return CIN_CENSUS if root == "Message" and cin else None
    table = _ssda903_table(head)
    return f"ssda903_{table}" if table in SSDA903_READ else None


def recognise(name: str, head: bytes) -> str | None:
    """What a file is, in words for "this looks like …" (`head`: its first few kilobytes),
    or None when it is none of the formats known here (an interchange CSV file is read by
    its name)."""
    if _is_xml(head):
        if dfe_return(name, head) == CIN_CENSUS:
            return "a CIN census XML"
        root = _xml_root(head)
        if root == "EXPSSDA903":
            return "an SSDA903 XML"
        return f"an XML file CSHub does not read (its root element is <{root}>)" if root else None
    table = _ssda903_table(head)
    if table is None:
        return None
    return f"an SSDA903 {table} file" + ("" if table in SSDA903_READ else ", which CSHub does not read")
