"""What stands in for objects that cannot cross: stubs and references, per client.

Going out (results, callback arguments), the kernel's own result types are
tagged (``$execution_result``, ``$execution_info``, ``$exc``), a client's
function goes back as its ``$callback`` id, and, where a call allows it, any
other object becomes a ``$ref`` the kernel keeps until the client releases it
or goes away. Coming in, ``$callback`` becomes a :class:`CallbackStub` (one per
client and function, so ``unregister`` finds what ``register`` put in),
``$ref`` the object it names, ``$type`` a class name (see
:func:`resolve_type`).
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Callable
from typing import Any

from legacy_shell.api import ExecutionInfo, ExecutionResult

from ..wire import MalformedMessage
from .callbacks import CallbackStub
from .codec import Fallback, Resolver, encode_value
from .exceptions import exception_body

__all__ = ["Handles"]


def resolve_type(name: str) -> Any:
    """A class named by the client: a builtin class itself, anything else by name.

    Formatters accept ``"module.Name"`` and resolve it when an instance shows
    up, so the kernel never imports a module because a client named it.
    """
    module, _, qualname = name.rpartition(".")
    if module == "builtins":
        found = getattr(builtins, qualname, None)
        if isinstance(found, type):
            return found
    return name


class Handles:
    """The stubs and references of every client of one RPC server."""

    def __init__(self, caller: Any) -> None:
        """``caller`` runs stubs (``call_back(stub, args, kwargs)``): the server."""
        self._caller = caller
        self._stubs: dict[tuple[str, int], CallbackStub] = {}
        self._refs: dict[int, tuple[str, Any]] = {}
        self._ids = itertools.count(1)

    def resolver(self, client_id: str) -> Resolver:
        """How the tagged values a client sends are turned into objects."""

        def resolve(tag: str, body: Any) -> Any:
            if tag == "$callback" and isinstance(body, dict) and isinstance(body.get("id"), int):
                key = (client_id, body["id"])
                stub = self._stubs.get(key)
                if stub is None:
                    name, flags = str(body.get("name", "")), body.get("flags")
                    stub = self._stubs[key] = CallbackStub(
                        self._caller, client_id, body["id"], name, flags
                    )
                return stub
            if tag == "$ref" and isinstance(body, dict):
                entry = self._refs.get(body.get("id"))  # type: ignore[arg-type]
                if entry is None or entry[0] != client_id:  # another client's are not ours
                    raise MalformedMessage("a reference that was released or never existed")
                return entry[1]
            if tag == "$type" and isinstance(body, str):
                return resolve_type(body)
            raise MalformedMessage(f"unknown value tag {tag!r}")

        return resolve

    def fallback(self, client_id: str, refs: bool) -> Fallback:
        """How objects that are not plain data are sent to a client (``refs``: as references)."""

        def fallback(value: Any) -> dict[str, Any] | None:
            if isinstance(value, CallbackStub) and value.client_id == client_id:
                return {"$callback": {"id": value.callback_id}}
            if isinstance(value, ExecutionResult):
                return {"$execution_result": _result_body(value, fallback)}
            if isinstance(value, ExecutionInfo):
                return {"$execution_info": encode_value(vars(value), fallback)}
            if isinstance(value, BaseException):
                return {"$exc": exception_body(value)}
            if refs:
                ref = next(self._ids)
                self._refs[ref] = (client_id, value)
                return {"$ref": {"id": ref, "type": _type_name(value), "repr": _repr(value)}}
            return None

        return fallback

    def release(self, client_id: str, refs: list[Any]) -> None:
        """The client no longer holds these references."""
        for ref in refs:
            entry = self._refs.get(ref)
            if entry is not None and entry[0] == client_id:
                del self._refs[ref]

    def drop(self, client_id: str) -> None:
        """The client is gone: forget its stubs and references."""
        for key in [k for k in self._stubs if k[0] == client_id]:
            del self._stubs[key]
        for ref in [r for r, (owner, _) in self._refs.items() if owner == client_id]:
            del self._refs[ref]

    def clear_refs(self) -> None:
        """A new shell: the objects of the old one are not kept alive for anybody."""
        self._refs.clear()


def _result_body(result: ExecutionResult, fallback: Callable[[Any], Any]) -> dict[str, Any]:
    return {
        "info": encode_value(result.info, fallback),
        "execution_count": result.execution_count,
        "error_before_exec": encode_value(result.error_before_exec, fallback),
        "error_in_exec": encode_value(result.error_in_exec, fallback),
        "result": encode_value(result.result, fallback),
        "payloads": encode_value(result.payloads, fallback),
    }


def _type_name(value: Any) -> str:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}"


def _repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 200 else text[:197] + "..."
