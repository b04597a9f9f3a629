import datetime as dt
from typing import Any

import pytest

from cshub.access.models import User
from cshub.workforce import actions
from cshub.workforce.models import Course


@pytest.fixture
def manager(personas: dict[str, User]) -> User:
    return personas["team_manager"]


@pytest.fixture
def course(manager: User) -> Course:
    """Valid 12 months, required of practitioners (any agency)."""
    c = actions.create_course(
        "County lines and CCE", valid_months=12, provider="The partnership", actor=manager
    )
    actions.add_requirement(
        c, role="practitioner", reason="Most of the hub's referrals are CCE.", actor=manager
    )
    return c


def record(person: User, course: Course, completed: dt.date, actor: User, **kw: Any) -> Any:
    return actions.record_training([person], course, completed, actor=actor, **kw)[0]
