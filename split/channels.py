"""What the kernel needs from a transport: the ``KernelChannels`` contract.

Two implementations share it and one conformance suite tests both: ZeroMQ
sockets (``split.transport.zmq``) and in-memory queues
(``split.transport.memory``, for unit tests). Messages arrive decoded and
verified: the transport drops unsigned, wrongly signed, replayed or malformed
frames itself (counting them, with a rate-limited warning), so the kernel core
only ever sees valid ``Message`` objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .wire import Message

__all__ = ["ControlHandler", "KernelChannels"]

#: Handles one control message (on the control thread); returns nothing: it sends its own reply.
ControlHandler = Callable[[Message], None]


class KernelChannels(Protocol):
    """Kernel side of the five Jupyter channels."""

    #: Messages dropped because of a bad signature, a replay or malformed frames.
    bad_messages: int

    def start(self, control_handler: ControlHandler) -> None:
        """Bind/open the channels; serve control and heartbeat on their own threads."""

    def recv_shell(self, timeout: float | None) -> Message | None:
        """The next valid shell request (main thread), or ``None`` after ``timeout`` seconds."""

    def pending_shell(self) -> list[Message]:
        """Every shell request already queued, without waiting (for aborting after an error)."""

    def has_pending(self) -> bool:
        """Whether a request has arrived and waits to be served (shell, or an added reader).

        Called from the main thread's SIGINT handler, so it must not block or consume.
        """

    def send_shell(self, msg: Message) -> None:
        """Send a reply on shell (``msg.identities`` route it); main thread only."""

    def send_control(self, msg: Message) -> None:
        """Send a reply on control; control thread only."""

    def publish(self, msg: Message) -> None:
        """Send on iopub; safe from any thread, in order per thread."""

    def stdin_request(self, msg: Message, timeout: float | None = None) -> Message | None:
        """Send ``input_request`` on stdin and wait for the ``input_reply`` (main thread)."""

    def wake(self) -> None:
        """Make a blocked ``recv_shell`` return now (shutdown from the control thread)."""

    def close(self) -> None:
        """Stop the threads and close everything; idempotent."""
