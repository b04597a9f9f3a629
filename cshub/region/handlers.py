"""The messages this app receives (docs/region.md): a peer's new key after its rotation."""

from typing import Any

from cshub.region import actions
from cshub.region.models import Peer
from cshub.region.transport import Refused, handles


@handles("region.key")
def new_key(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """`{public_key: PEM, proof: base64}`: the sender's new key, and the new key's signature
    of `"cshub region.key\\n{hub id}\\n{PEM}"` (it holds the key it announces). The message
    itself is signed with the key this instance knows; the old key stays accepted for the
    grace period."""
    pem, proof = payload.get("public_key"), payload.get("proof")
    if not isinstance(pem, str) or not isinstance(proof, str):
        raise Refused("region.key needs public_key (PEM) and proof")
    try:
        changed = actions.learn_key(sender, pem, proof)
    except ValueError as error:
        raise Refused(str(error)) from error
    return {"changed": changed}
