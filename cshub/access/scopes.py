"""What an API token may do (its scope), chosen when it is made. A token never does more
than its user's roles allow: the scope narrows the roles, it never adds to them.

The scopes follow the API's addresses (docs/api on `/api/v1/docs/` and the OpenAPI schema
name each operation's scope as `x-token-scope`):

- `read`: every read the user's roles allow (lists and records of children, referrals,
  episodes and missing episodes, the person search, the schema and its page);
- `referrals:write`: send referrals (`POST /api/v1/referrals/`);
- `consultations:write`: send consultations (`POST /api/v1/consultations/`), a partner
  system's line to the hub;
- `missing:report`: send police missing reports (`POST /api/v1/missing-episodes/`) and
  nothing else: a police feed's token, which reads no record.
"""

from django.db import models

from cshub.access.permissions import Perm


class Scope(models.TextChoices):
    READ = "read", "Read what your roles may read"
    REFERRALS_WRITE = "referrals:write", "Send referrals"
    MISSING_REPORT = "missing:report", "Send missing reports and nothing else (a police feed)"
    CONSULTATIONS_WRITE = "consultations:write", "Send consultations"


# The permission a scope needs besides using the API (read: whatever the roles may read).
NEEDS: dict[str, Perm | None] = {
    Scope.READ: None,
    Scope.REFERRALS_WRITE: Perm.RECORD_REFERRAL,
    Scope.MISSING_REPORT: Perm.RECORD_MISSING,
    Scope.CONSULTATIONS_WRITE: Perm.RECORD_CONSULTATION,
}
REFUSED: dict[str, str] = {
    Scope.REFERRALS_WRITE: "Your roles do not allow sending referrals",
    Scope.MISSING_REPORT: "Your roles do not allow sending missing reports",
    Scope.CONSULTATIONS_WRITE: "Your roles do not allow sending consultations",
}

TOKEN_DAYS = (30, 90, 365)
DEFAULT_TOKEN_DAYS = 90
