"""The signed opt-out link of a message (docs/rulebook.md §10, CAN-SPAM §7704, RFC 8058).

The queue's body carries `<unsubscribe_base_url><message_id>`, rendered by dbt, which never
sees the secret. The sender adds `&s=<signature>`: HMAC-SHA256 of the message id under
OUTREACH_UNSUBSCRIBE_SECRET. The endpoint recomputes it, so a forged or altered link (another
message id, a guessed one, a changed signature) is refused and writes nothing, and message
ids cannot be enumerated through it."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

MESSAGE_PARAMETER = "m"
SIGNATURE_PARAMETER = "s"


def signature(message_id: str, secret: bytes) -> str:
    return hmac.new(secret, message_id.encode(), hashlib.sha256).hexdigest()


def is_signed(message_id: str, given: str, secret: bytes) -> bool:
    # bytes: compare_digest refuses str with non-ASCII characters (a forged link's, say)
    return hmac.compare_digest(signature(message_id, secret).encode(), (given or "").encode())


def signed_url(unsubscribe_url: str, message_id: str, secret: bytes) -> str:
    """`unsubscribe_url` (which already names the message) with its signature added."""
    parts = urlsplit(unsubscribe_url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(
            f"{unsubscribe_url!r} is not an https link (RFC 8058; the unsubscribe_base_url var, docs/sending.md)"
        )
    query = parse_qs(parts.query)
    if query.get(MESSAGE_PARAMETER) != [message_id]:
        raise ValueError(
            f"{unsubscribe_url!r} does not name message {message_id!r} in its {MESSAGE_PARAMETER}= parameter"
        )
    query[SIGNATURE_PARAMETER] = [signature(message_id, secret)]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
