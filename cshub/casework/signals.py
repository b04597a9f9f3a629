"""What casework tells rooms to its right, without importing them. Sent inside the
action's transaction.

- `closure_returned(episode, reason, actor)`: a manager returned a recorded closure to the
  worker (`episode.closure_requested_by` recorded it).
- `episode_changed(episode, actor)`: a hub episode opened or closed (the register keeps
  the hub's flags in step: `register.sync`)."""

from django.dispatch import Signal

closure_returned = Signal()
episode_changed = Signal()
