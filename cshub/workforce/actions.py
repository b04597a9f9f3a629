"""The one write path of teams and training (part C): every function atomic, checking the
actor's Perm.MANAGE_WORKFORCE, writing its audit event, raising ValidationError with field
names for bad input (nothing changed)."""
