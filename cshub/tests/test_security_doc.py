"""docs/security.md names, for each ASVS requirement it says CSHub meets, the test that
shows it (`path::test name`). Each must be a test that exists, or the document says
something no test shows."""

import ast
import re
from pathlib import Path

from django.conf import settings

REFERENCE = re.compile(r"`(cshub/[\w/]+\.py)::(\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def test_every_test_the_security_document_names_exists():
    base = Path(settings.BASE_DIR)
    text = (base / "docs" / "security.md").read_text()
    references = REFERENCE.findall(text)
    assert len(references) > 50
    missing = [
        f"{path}::{name}"
        for path, name in references
        if not (base / path).is_file() or name not in _tests_in(base / path)
    ]
    assert missing == []


def test_the_security_document_answers_every_requirement_of_its_chapters():
    text = (Path(settings.BASE_DIR) / "docs" / "security.md").read_text()
    rows = re.findall(r"^\| (\d+\.\d+\.\d+) \| L[123] \| [^|]+ \| ([^|]*) \|", text, flags=re.MULTILINE)
    assert {row.split(".")[0] for row, _ in rows} == {"2", "3", "4", "5", "7", "8", "13"}
    assert [row for row, how in rows if not how.strip() or "not assessed" in how] == []
