"""What missing tells rooms to its right, without importing them. Sent inside the
action's transaction; a receiver that writes does so in that transaction too.

- `interview_recorded(interview, actor)`: a return interview and its entries were saved.
- `episode_found(episode, actor)`: an episode with where the child was found, or who
  with, was recorded or changed."""

from django.dispatch import Signal

interview_recorded = Signal()
episode_found = Signal()

# For notifications (issue 16), sent once per new record:
# - `episode_reported(episode, actor)`: a new missing episode was recorded (by a worker or
#   a police system); a report sent again about the same episode does not send it.
# - `report_held(held, actor)`: a police report was held for a worker to match.
episode_reported = Signal()
report_held = Signal()
