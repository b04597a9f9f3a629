"""What missing tells rooms to its right, without importing them. Sent inside the
action's transaction; a receiver that writes does so in that transaction too.

- `interview_recorded(interview, actor)`: a return interview and its entries were saved.
- `episode_found(episode, actor)`: an episode with where the child was found, or who
  with, was recorded or changed."""

from django.dispatch import Signal

interview_recorded = Signal()
episode_found = Signal()
