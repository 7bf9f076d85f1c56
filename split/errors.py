"""The root of every exception of ``split``, and the errors of the manager and client.

Every exception class of the package derives from :class:`SplitError`, so a
caller that means "anything the split machinery raised" catches one class.
Each layer keeps its own small branch next to its code (``wire.ProtocolError``,
``transport.TransportError``, ``connection.ConnectionFileError``, the RPC
channel's in ``split.rpc``); where callers expect a builtin, a class derives
from both (``ClientTimeout`` is a ``TimeoutError``). The tree is drawn in
``docs/architecture.md``.

The frontend catches these by kind: ``KernelDied`` means "say so plainly and
restart" (``adapters`` re-exports it: a proxy whose kernel dies raises the same
class), ``KernelStartError`` means "the kernel cannot be started here, show
why", ``ClientTimeout`` means "no reply in time". Foreign errors
(``zmq.ZMQError``, ``OSError`` from ``subprocess``) are mapped to these at the
one place they happen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .death import DeathInfo

__all__ = [
    "ClientTimeout",
    "KernelDied",
    "KernelNotRunning",
    "KernelStartError",
    "SplitError",
    "WaitStopped",
]


class SplitError(Exception):
    """Base of every exception class of ``split``."""


class KernelStartError(SplitError):
    """The kernel could not be started or never answered; the message says why."""


class KernelNotRunning(SplitError):
    """An operation that needs a running kernel (interrupt, client) was asked of a stopped one."""


class KernelDied(SplitError):
    """The kernel process died while we waited on it; ``death`` says how, when known."""

    def __init__(self, death: DeathInfo | None = None, message: str | None = None) -> None:
        self.death = death
        if message is None:
            message = f"the kernel {death.describe()}" if death is not None else "the kernel died"
        super().__init__(message)


class ClientTimeout(SplitError, TimeoutError):
    """No message arrived on a channel within the timeout."""


class WaitStopped(SplitError):
    """We stopped waiting for a reply; the request goes on in the kernel (``msg_id``)."""

    def __init__(self, msg_id: str) -> None:
        super().__init__(f"stopped waiting for the reply to {msg_id}")
        self.msg_id = msg_id
