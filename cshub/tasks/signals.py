"""What tasks tells rooms to its right, without importing them. Sent inside the action's
transaction.

- `task_agreed(task, actor)`: an action was agreed (from a plan, supervision, a meeting or
  on its own), owned by `task.owner` when that is a CSHub user."""

from django.dispatch import Signal

task_agreed = Signal()
