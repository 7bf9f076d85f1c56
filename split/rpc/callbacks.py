"""Kernel-side stand-ins for functions that stay in a client process.

When a proxy registers a function (an event callback, a magic, a formatter),
the function stays where it was written; the kernel gets a ``CallbackStub``
that, when called, asks the owning client to run it and waits for the answer
(see ``RpcServer.call_back``). One stub per (client, function), so
``events.unregister`` finds the stub ``events.register`` put in.

When the client goes away, :func:`drop_callbacks` takes its stubs out of every
registry of the shell: no cell ever waits on a client that is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..errors import SplitError
from .exceptions import local_exception_class, rebuild_exception

if TYPE_CHECKING:
    from legacy_shell.shell import InteractiveShell

__all__ = [
    "MAGIC_FLAGS",
    "CallbackError",
    "CallbackGone",
    "CallbackStub",
    "callback_exception",
    "drop_callbacks",
]

#: Marks a client's function carries that change how the shell calls it; they travel with it.
MAGIC_FLAGS = ("needs_local_scope", "_ipython_magic_no_var_expand")


class CallbackError(SplitError):
    """A callback raised in its client; the message carries the client's traceback."""


class CallbackGone(CallbackError):
    """The client that registered a callback has disconnected (or cannot be reached)."""


#: Raised in the kernel, these would end it (or a generator), not the call: a CallbackError.
_NOT_HERE = (SystemExit, GeneratorExit)


def callback_exception(name: str, error: dict[str, Any]) -> BaseException:
    """What a client's function raised, raised in the kernel.

    A builtin exception keeps its class (``except ValueError`` in the kernel
    works, and the caller of the proxy gets a ``ValueError`` back), as a
    subclass that is also a ``CallbackError`` (``KeyboardInterrupt`` as
    itself); anything else, ``SystemExit`` and ``GeneratorExit`` included, is a
    ``CallbackError``. The message carries the client's traceback.
    """
    text = (
        f"{name} failed in its client: {error.get('type', 'Exception')}: "
        f"{error.get('message', '')}\n{error.get('traceback', '')}"
    )
    found = local_exception_class(error, own_package=None)
    if found is None or issubclass(found, _NOT_HERE):
        return CallbackError(text)
    # named and placed as the builtin, so it reads (and crosses back) as that builtin;
    # KeyboardInterrupt stays out of ``except Exception``
    mixin = CallbackError if issubclass(found, Exception) else None
    return rebuild_exception(found, (text,), mixin=mixin, module="builtins")


class _Caller(Protocol):
    def call_back(
        self, stub: CallbackStub, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any: ...


class CallbackStub:
    """Calls a client's function over the RPC channel; looks like that function."""

    def __init__(
        self,
        caller: _Caller,
        client_id: str,
        callback_id: int,
        name: str,
        flags: dict[str, Any] | None = None,
    ) -> None:
        self._caller = caller
        self.client_id = client_id
        self.callback_id = callback_id
        self.__name__ = self.__qualname__ = name or f"callback_{callback_id}"
        for flag in MAGIC_FLAGS:  # how the shell must call it (``local_ns=``, no $ expansion)
            if (flags or {}).get(flag):
                setattr(self, flag, True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._caller.call_back(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<{self.__name__} (a callback in client {self.client_id})>"


def _owned(func: Any, client_id: str) -> bool:
    return isinstance(func, CallbackStub) and func.client_id == client_id


def drop_callbacks(shell: InteractiveShell, client_id: str) -> int:
    """Remove the stubs of ``client_id`` from ``shell``'s registries; how many went."""
    dropped = 0

    def keep(items: list[Any]) -> list[Any]:
        nonlocal dropped
        kept = [f for f in items if not _owned(f, client_id)]
        dropped += len(items) - len(kept)
        return kept

    for callbacks in shell.events.callbacks.values():
        callbacks[:] = keep(callbacks)
    shell.input_transformers_post[:] = keep(list(shell.input_transformers_post))
    for table in shell.magics_manager.magics.values():
        for name in [n for n, f in table.items() if _owned(f, client_id)]:
            del table[name]
            dropped += 1
    for formatter in shell.display_formatter.formatters.values():
        for printers in (formatter.type_printers, formatter.deferred_printers):
            stale: list[Any] = [k for k, f in printers.items() if _owned(f, client_id)]
            for key in stale:
                del printers[key]
            dropped += len(stale)
    return dropped
