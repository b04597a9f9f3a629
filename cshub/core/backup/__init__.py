"""`cshub backup` and `cshub restore`: a backup is one directory holding the database (a
SQLite copy made with the online backup API, or a `pg_dump -Fc` archive), the documents
directory and a manifest that says what is there (docs/operations.md).

- `manifest`: the manifest, the SHA-256 of every file, and the checks a backup must pass
  before anything is restored.
- `tables`: row counts (in the manifest) and per-table content digests (the round-trip test).
- `sqlite`, `postgres`: the database part, one module per engine.
- `run`: backup, verify and restore, as the commands call them."""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (no personal data)."""
