"""What a file is, by its content, whatever it is called: the DfE returns councils already
produce (SSDA903 CSV files and XML, the CIN census XML). A 903 `missing.csv` has the same
name as CSHub's own `missing.csv`: only its header tells them apart
(docs/research/dfe-returns.md, "Recognising each file by its content")."""

import re

# The SSDA903 tables by the set of their column names (the DfE validator's own rule:
# lac_validator/config.py and ingress.py `_get_file_type`; order free).
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
    "reviews": frozenset({"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}),
    "uasc": frozenset({"CHILD", "SEX", "DOB", "DUC"}),
    "oc3": frozenset({"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}),
    "previous permanence": frozenset({"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"}),
    "social worker episodes": frozenset({"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}),
    "deprivation of liberty": frozenset({"CHILD", "DOB", "DOLO_START", "DOLO_END"}),
}
# The 903 tables CSHub reads (header, episodes, missing); the others are named as such.
SSDA903_READ = frozenset({"header", "episodes", "missing"})

_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.-]*)[\s>/]")


def _header(head: bytes) -> frozenset[str]:
    line = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    return frozenset(cell.strip().strip('"').strip().upper() for cell in line.split(","))


def _root(head: bytes) -> bytes | None:
    """The name of the XML document's first element (after the declaration and comments)."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head.lstrip(b"\xef\xbb\xbf"), flags=re.S)
    m = _FIRST_ELEMENT.search(text)
    return m.group(1) if m else None


def recognise(name: str, head: bytes) -> str | None:
    """What `head` (the first few kilobytes of a file called `name`) is, in words for "this
    looks like …", or None when it is none of the formats known here (an interchange CSV
    file is read by its name)."""
    if head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        root = _root(head)
        if root == b"Message" and b"<Collection>CIN</Collection>" in head.replace(b" ", b""):
            return "a CIN census XML"
        if root == b"Message" and b"CINdetails" in head:
            return "a CIN census XML"
        if root == b"EXPSSDA903":
            return "an SSDA903 XML"
        return None
    columns = _header(head)
    for table, wanted in SSDA903_COLUMNS.items():
        if columns == wanted:
            if table in SSDA903_READ:
                return f"an SSDA903 {table} file"
            return f"an SSDA903 {table} file, which CSHub does not read"
    return None
