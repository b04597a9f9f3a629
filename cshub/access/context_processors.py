from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from cshub.access.permissions import Perm

REGION_ITEMS = {"Regional picture", "Region links", "Users", "Roles to approve"}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service navigation for this user's permissions (pages they may not use are not shown)."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "demo_mode": settings.DEMO, "instance_name": settings.CSHUB_HUB_NAME}
    region = settings.CSHUB_INSTANCE == "region"  # the regional CSHub: no children, the regional picture
    cross_border = not region and (user.has(Perm.DECIDE_CROSS_BORDER) or user.has(Perm.VIEW_TEAM_CASELOAD))
    items: list[tuple[str, str, bool]] = [
        ("Home", reverse("home"), user.has(Perm.VIEW_CHILD) or user.has(Perm.VIEW_AGGREGATES)),
        ("Find a child", reverse("people:search"), user.has(Perm.VIEW_CHILD)),
        ("My caseload", reverse("casework:my_caseload"), user.has(Perm.WRITE_CASE_SUMMARY)),
        ("Team caseload", reverse("casework:team_caseload"), user.has(Perm.VIEW_TEAM_CASELOAD)),
        ("Actions", reverse("tasks:list"), user.has(Perm.VIEW_CHILD)),
        ("Meetings", reverse("meetings:list"), user.has(Perm.VIEW_MINUTES)),
        (
            "Case audits",
            reverse("caseaudits:home"),
            user.has(Perm.CONDUCT_AUDIT) or user.has(Perm.MANAGE_AUDITS),
        ),
        (
            "Practice standards",
            reverse("standards:home"),
            user.has(Perm.SET_STANDARDS) or user.has(Perm.VIEW_AGGREGATES),
        ),
        ("Referrals", reverse("referrals:list"), user.has(Perm.DECIDE_REFERRAL)),
        ("Consultations", reverse("consultations:list"), user.has(Perm.RECORD_CONSULTATION)),
        ("Return interviews", reverse("missing:queue"), user.has(Perm.RECORD_MISSING)),
        (
            "Missing panel",
            reverse("missing:panel"),
            user.has(Perm.RECORD_MISSING)
            and (not user.has(Perm.WRITE_CASE_SUMMARY) or user.has(Perm.VIEW_TEAM_CASELOAD)),
        ),
        (
            "Whole-area register",
            reverse("register:register"),
            user.has(Perm.VIEW_CHILD) or user.has(Perm.VIEW_AGGREGATES),
        ),
        ("Performance", reverse("assurance:performance"), user.has(Perm.VIEW_AGGREGATES)),
        ("Problem profile", reverse("reports:problem_profile"), user.has(Perm.VIEW_AGGREGATES)),
        (
            "Intelligence",
            reverse("intelligence:dashboard"),
            user.has(Perm.VIEW_INTELLIGENCE) or user.has(Perm.VIEW_AGGREGATES),
        ),
        ("Cross-border", reverse("crossborder:list"), cross_border),
        ("Cross-border alerts", reverse("regional:alerts"), cross_border),
        ("Regional picture", reverse("regional:dashboard"), region and user.has(Perm.VIEW_REGION)),
        (
            "Region links",
            reverse("region:status"),
            user.has(Perm.MANAGE_REGION) or user.has(Perm.VIEW_REGION),
        ),
        ("Workforce", reverse("workforce:training"), user.has(Perm.MANAGE_WORKFORCE)),
        ("Access review", reverse("access_review"), user.has(Perm.REVIEW_ACCESS)),
        ("Imports", reverse("interchange:imports"), user.has(Perm.IMPORT_DATA)),
        ("Users", reverse("access:users"), user.has(Perm.MANAGE_USERS)),
        ("Roles to approve", reverse("access:role_requests"), user.has(Perm.APPROVE_ROLES)),
        (
            "Retention",
            reverse("retention:overview"),
            user.has(Perm.MANAGE_RETENTION) or user.has(Perm.DISPOSE_RECORDS),
        ),
    ]
    if region:  # the regional CSHub holds no children: only its own pages and its accounts
        items = [item for item in items if item[0] in REGION_ITEMS]
    path = request.path
    allowed = [(label, href) for label, href, ok in items if ok]
    # The current item is the longest link that the path starts with ("/caseload/team/"
    # is Team caseload, not My caseload as well).
    matches = [href for _, href in allowed if (path == href if href == "/" else path.startswith(href))]
    current = max(matches, key=len, default=None)
    nav = [{"label": label, "href": href, "current": href == current} for label, href in allowed]
    return {"nav_items": nav, "demo_mode": settings.DEMO, "instance_name": settings.CSHUB_HUB_NAME}
