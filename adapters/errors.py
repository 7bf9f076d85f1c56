"""What a proxy call raises: the kernel's exceptions, rebuilt here, and the channel's own.

A remote builtin exception comes back as a subclass of the same builtin (so
``except KeyError`` works), with the same ``__name__`` and the remote traceback
at the end of ``str()``; the shell's own exceptions (``legacy_shell``'s
``UsageError``, ``ConfigError``, ...) likewise, since both sides have that
package. Anything else becomes :class:`RemoteError`, which keeps the type's
name, its message and the traceback. Nothing is unpickled: the exception is
rebuilt from its name, its message and its arguments sent by value.
"""

from __future__ import annotations

from typing import Any

from split.errors import KernelDied
from split.rpc.exceptions import local_exception_class, rebuild_exception

__all__ = [
    "CallTimeout",
    "KernelDied",
    "ProxyError",
    "RemoteError",
    "RemoteException",
    "remote_exception",
]


class ProxyError(Exception):
    """Base of the errors of the proxy itself (not of the code it runs).

    ``KernelDied`` is ``split.errors.KernelDied``, re-exported: a dead kernel is
    one class whether a proxy or a kernel client found out.
    """


class CallTimeout(ProxyError, TimeoutError):
    """No answer within the timeout; the message names the call."""


class RemoteException:
    """Mixed into rebuilt exceptions: where they came from, and the remote traceback."""

    remote_type: str = ""
    remote_traceback: str = ""

    def __str__(self) -> str:
        base = super().__str__()  # type: ignore[misc]
        if not self.remote_traceback:
            return base
        return f"{base}\n\nRemote traceback (in the kernel):\n{self.remote_traceback.rstrip()}"


class RemoteError(RemoteException, ProxyError):
    """An exception of a type that exists only in the kernel (``remote_type`` names it)."""

    def __init__(self, remote_type: str, message: str, remote_traceback: str = "") -> None:
        super().__init__(f"{remote_type}: {message}")
        self.remote_type = remote_type
        self.message = message
        self.remote_traceback = remote_traceback


def remote_exception(body: dict[str, Any], decode: Any = None) -> BaseException:
    """Rebuild an exception from its ``$exc`` body (see ``split.rpc.exceptions``)."""
    module, name = str(body.get("module", "")), str(body.get("type", "Exception"))
    message, tb = str(body.get("message", "")), str(body.get("traceback", ""))
    cls = local_exception_class(body)
    if cls is None:
        full = name if module in ("", "builtins", "__main__") else f"{module}.{name}"
        return RemoteError(full, message, tb)
    raw_args = body.get("args")
    args = tuple(decode(raw_args) if decode is not None else raw_args) if raw_args else (message,)
    error = rebuild_exception(cls, args, mixin=RemoteException, module="adapters.remote")
    error.remote_traceback = tb  # type: ignore[attr-defined]
    error.remote_type = f"{module}.{name}"  # type: ignore[attr-defined]
    return error
