"""What the register does when rooms to its left tell it something (connected in
`RegisterConfig.ready()`): a hub episode opened or closed brings the child's hub flags in
step, in the action's own transaction."""

from typing import Any

from cshub.casework.models import Episode
from cshub.register.sync import sync_people


def episode_changed(sender: type[Episode], *, episode: Episode, actor: Any, **kwargs: Any) -> None:
    sync_people([episode.person_id], actor=actor)
