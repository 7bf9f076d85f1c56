"""A messaging session: who we are on the wire, and how messages are made.

One ``Session`` per process side (kernel or client): its id goes in every
header, and replies carry the request's header as ``parent_header``.
"""

from __future__ import annotations

import getpass
import uuid
from typing import Any

from .wire import Message, new_header

__all__ = ["Session"]


def _username() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container: still a valid header
        return "legacy-shell"


class Session:
    """Makes messages; the transport signs and sends them with the connection key."""

    def __init__(self, session_id: str | None = None, username: str | None = None) -> None:
        self.session_id = session_id or uuid.uuid4().hex
        self.username = username or _username()

    def msg(
        self,
        msg_type: str,
        content: dict[str, Any] | None = None,
        parent: Message | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[bytes] | None = None,
    ) -> Message:
        """A new message; as a reply to ``parent`` it is routed back to its sender."""
        return Message(
            header=new_header(msg_type, self.session_id, self.username),
            parent_header=dict(parent.header) if parent is not None else {},
            metadata=metadata or {},
            content=content or {},
            buffers=list(buffers or []),
            identities=list(parent.identities) if parent is not None else [],
        )
