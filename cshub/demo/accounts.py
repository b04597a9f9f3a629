"""Demo accounts: one per role (plus more hub workers so a caseload can be shared)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from cshub.access.actions import create_user
from cshub.access.models import User

DEMO_PASSWORD = "demo-cshub-2026"  # nosec B105 # the published demo password: demo accounts sign in only while CSHUB_DEMO=1


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    agency: str
    roles: tuple[str, ...]
    job_title: str


DEMO_ACCOUNTS = [
    DemoAccount("practitioner", "Alys", "Brightwater", "SOCIAL_CARE", ("practitioner",), "Hub social worker"),
    DemoAccount("police", "Gethin", "Marshcombe", "POLICE", ("practitioner",), "Detective constable, hub"),
    DemoAccount("nurse", "Rhian", "Fernhollow", "HEALTH", ("practitioner",), "Complex safeguarding nurse"),
    DemoAccount("manager", "Owain", "Thistledale", "SOCIAL_CARE", ("team_manager",), "Hub team manager"),
    DemoAccount(
        "missing", "Nia", "Ivystead", "MISSING_SERVICE", ("missing_worker",), "Missing from home worker"
    ),
    DemoAccount("analyst", "Iolo", "Quillworth", "SOCIAL_CARE", ("analyst",), "Performance analyst"),
    DemoAccount(
        "lead",
        "Cerys",
        "Oakridge",
        "SOCIAL_CARE",
        ("strategic_lead",),
        "Strategic lead, complex safeguarding",
    ),
    DemoAccount("admin", "Dewi", "Pebblefield", "SOCIAL_CARE", ("sysadmin",), "System administrator"),
]
EXTRA_WORKERS = [
    DemoAccount(
        "worker.lowri", "Lowri", "Sorrelbrook", "SOCIAL_CARE", ("practitioner",), "Hub social worker"
    ),
    DemoAccount(
        "worker.macsen", "Macsen", "Hazelford", "SOCIAL_CARE", ("practitioner",), "Hub social worker"
    ),
    DemoAccount(
        "worker.tegan", "Tegan", "Yarrowdale", "EARLY_HELP", ("practitioner",), "Early help practitioner"
    ),
    DemoAccount("worker.wyn", "Wyn", "Linden", "YOUTH_JUSTICE", ("practitioner",), "Youth justice worker"),
]


@transaction.atomic
def ensure_demo_accounts() -> dict[str, User]:
    users: dict[str, User] = {}
    for account in DEMO_ACCOUNTS + EXTRA_WORKERS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = create_user(
                account.username,
                agency=account.agency,
                roles=account.roles,
                actor=None,
                first_name=account.first_name,
                last_name=account.last_name,
                password=DEMO_PASSWORD,
                job_title=account.job_title,
                is_demo=True,
            )
        users[account.username] = user
    return users


def refuse_real_database() -> str | None:
    """Why synthetic data must not go into this database, or None when it may."""
    if not settings.DEMO:
        return "Synthetic data is made only with CSHUB_DEMO=1: it creates accounts with a published password."
    if User.objects.filter(is_demo=False).exists():
        return (
            "This database has accounts that are not demo accounts: synthetic data will not be added to it."
        )
    return None
