"""The client's side of by-value encoding: callbacks out, references and results in.

``split.rpc.codec`` encodes plain data; this module adds what only the client
knows: a function it passes where the kernel expects one (an event callback, a
magic, a formatter) stays here and travels as ``$callback``; a class passed to
a formatter travels by name as ``$type``; a :class:`RemoteRef` goes back as the
``$ref`` it came as. Coming in, ``$exc`` becomes an exception (see
:mod:`.errors`), ``$ref`` a :class:`RemoteRef`, ``$execution_result`` the
shell's own ``ExecutionResult``, ``$callback`` the local function again.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from legacy_shell.api import ExecutionInfo, ExecutionResult
from split.rpc.callbacks import MAGIC_FLAGS
from split.rpc.codec import NotSerializable, decode_value, encode_value
from split.rpc.surface import CALLS, describe

from .errors import ProxyError, remote_exception

__all__ = ["Callbacks", "RemoteRef", "ValueCodec"]


class _CannotSend(ProxyError, TypeError):
    """Raised inside :meth:`ValueCodec.encode_call`, which names the call."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class RemoteRef:
    """A kernel object that cannot cross by value: its type name and ``repr``.

    Pass it back in a call to mean that object. The kernel keeps the object
    until the handle is garbage-collected here (or the client disconnects).
    """

    __slots__ = ("__weakref__", "id", "text", "type_name")

    def __init__(self, ref_id: int, type_name: str, text: str) -> None:
        self.id = ref_id
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<remote {self.type_name}: {self.text}>"


class Callbacks:
    """Functions given to the kernel, by id (kept alive while the kernel may call them)."""

    def __init__(self) -> None:
        self._by_id: dict[int, Callable[..., Any]] = {}
        self._ids: dict[int, int] = {}  # id(function) -> callback id
        self._lock = threading.Lock()
        self._next = 0

    def add(self, function: Callable[..., Any]) -> int:
        with self._lock:
            found = self._ids.get(id(function))
            if found is not None and self._by_id.get(found) is function:
                return found
            self._next += 1
            self._by_id[self._next] = function
            self._ids[id(function)] = self._next
            return self._next

    def get(self, callback_id: int) -> Callable[..., Any] | None:
        return self._by_id.get(callback_id)


class ValueCodec:
    """Encodes arguments and decodes results for one client."""

    def __init__(self, callbacks: Callbacks, release: Callable[[int], None]) -> None:
        self.callbacks = callbacks
        self._release = release

    def encode_call(
        self, name: str, args: Sequence[Any], kwargs: dict[str, Any]
    ) -> tuple[Any, Any]:
        """The arguments of the call ``name``, encoded (functions and classes where it takes them)."""
        call = CALLS.get(name)
        try:
            encoded_args, encoded_kwargs = self.encode(
                [list(args), kwargs],
                member="",
                callables=call is not None and call.policy.functions,
                types=call is not None and call.policy.types,
            )
        except _CannotSend as e:  # named only now: describing costs, and calls are the hot path
            member = describe(name, args)
            raise TypeError(f"{member}: {e.what} cannot be sent by value to the kernel") from None
        return encoded_args, encoded_kwargs

    def encode(
        self, value: Any, *, member: str, callables: bool = False, types: bool = False
    ) -> Any:
        """JSON-ready ``value``; a ``TypeError`` naming ``member`` and the type if it cannot go."""

        def fallback(item: Any) -> dict[str, Any] | None:
            if isinstance(item, RemoteRef):
                return {"$ref": {"id": item.id}}
            if types and isinstance(item, type):
                return {"$type": f"{item.__module__}.{item.__qualname__}"}
            if callables and callable(item) and not isinstance(item, type):
                name = getattr(item, "__name__", "") or type(item).__name__
                body: dict[str, Any] = {"id": self.callbacks.add(item), "name": str(name)}
                flags = {f: True for f in MAGIC_FLAGS if getattr(item, f, False)}
                if flags:
                    body["flags"] = flags
                return {"$callback": body}
            return None

        try:
            return encode_value(value, fallback)
        except NotSerializable as e:
            if not member:
                raise _CannotSend(f"a {e.type_name}") from None
            raise TypeError(
                f"{member}: a {e.type_name} cannot be sent by value to the kernel"
            ) from None

    def decode(self, data: Any) -> Any:
        return decode_value(data, self._resolve)

    def _resolve(self, tag: str, body: Any) -> Any:
        if tag == "$exc":
            return remote_exception(body, self.decode)
        if tag == "$ref":
            ref = RemoteRef(int(body["id"]), str(body.get("type", "")), str(body.get("repr", "")))
            weakref.finalize(ref, self._release, ref.id)
            return ref
        if tag == "$execution_info":
            return ExecutionInfo(**self.decode(body))
        if tag == "$execution_result":
            fields = {k: self.decode(v) for k, v in body.items()}
            return ExecutionResult(**fields)
        if tag == "$callback":
            return self.callbacks.get(int(body["id"]))
        return {tag: body}
