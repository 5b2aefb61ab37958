"""Who a stored vote belongs to. Recorded debates store the member id; secret ballots store a keyed hash of it.

The key is made per debate when it opens and deleted when it closes. While open, the hash lets a member find and
replace their own ballot; after close nothing, the database included, can tie a ballot back to a member.
Forgotten members get a random pseudonym in closed debates: counts and Oxford pairings stay, the person goes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_BYTES = 32


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def voter_for(member_id: int, key: bytes | None) -> str:
    """The stored voter: the member id for recorded debates, `h:<hmac>` when a ballot key is given."""
    if key is None:
        return str(member_id)
    return "h:" + hmac.new(key, str(member_id).encode(), hashlib.sha256).hexdigest()


def pseudonym() -> str:
    return "anon:" + secrets.token_hex(16)


def is_member_id(voter: str) -> bool:
    return voter.isdigit()
