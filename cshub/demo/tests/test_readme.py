"""The README says what the demo accounts see and how to run the demo: it must match the
access the roles have and the options the command takes (issue 16)."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import load_command_class

from cshub.demo.accounts import DEMO_ACCOUNTS

README = (Path(__file__).resolve().parents[3] / "README.md").read_text()


def _demo_table() -> dict[str, str]:
    """username -> the 'sees' column of the demo accounts table."""
    rows = re.findall(r"^\| `([\w.]+)` \| [^|]+ \| [^|]+ \| ([^|]+) \|$", README, flags=re.M)
    return {username: sees.strip() for username, sees in rows}


def test_every_option_of_cshub_demo_is_in_the_readme() -> None:
    parser = load_command_class("cshub.demo", "demo").create_parser("cshub", "demo")
    options = [
        s for action in parser._actions for s in action.option_strings if s.startswith("--") and action.help
    ]
    own = [o for o in options if o in ("--no-serve", "--seed", "--addr", "--region")]
    assert own == ["--no-serve", "--seed", "--addr", "--region"]
    for option in own:
        assert "cshub demo" in README and re.search(rf"cshub demo[^\n]*{option}", README), option


@pytest.mark.django_db
def test_the_demo_accounts_table_promises_the_referrals_list_only_to_who_can_open_it(
    client_for: Any,
) -> None:
    table = _demo_table()
    roles = {a.username: a.roles[0] for a in DEMO_ACCOUNTS}
    assert {"practitioner", "manager", "missing"} <= set(table)
    role_of = {
        "practitioner": "practitioner",
        "team_manager": "team_manager",
        "missing_worker": "missing_worker",
    }
    for username, sees in table.items():
        role = role_of.get(roles.get(username, ""))
        if role is None:
            continue
        items = [i.strip() for i in re.split(r",| and ", sees)]
        promised = "referrals" in items or "threshold decisions" in items
        opens = client_for(role).get("/referrals/").status_code == 200
        assert promised == opens, (username, sees)
