"""Exceptions on the RPC channel, both ways: to wire form, and back to a class here.

Used by both directions: the kernel sends what a shell call raised (and turns
what a client's callback raised back into an exception); the client turns the
first back into an exception for the proxy's caller and sends what its
callbacks raise. Nothing is unpickled: an exception travels as its class's
module and name, its message, its arguments by value and its traceback as
text, and is rebuilt only as a class both sides have (a builtin, or one of
``legacy_shell``'s own), as a subclass that also carries a *mixin* saying where
it came from. What has no such class is the caller's to represent.

A :class:`Refused` error is the channel's own answer (an unknown member, a
value that cannot travel), not the shell's: it goes out as the builtin it
derives from, without a traceback (it has no frames worth showing).
"""

from __future__ import annotations

import builtins
import importlib
import traceback
from typing import Any

from ..errors import SplitError
from .codec import encode_value

__all__ = [
    "Refused",
    "RefusedName",
    "RefusedPermission",
    "RefusedValue",
    "exception_body",
    "local_exception_class",
    "rebuild_exception",
]


class Refused(SplitError):
    """The RPC channel refused a call (it never reached the shell)."""


class RefusedName(Refused, AttributeError):
    """The call names nothing the shell API serves (private, dunder or unknown)."""


class RefusedValue(Refused, TypeError):
    """A result cannot travel by value and the member does not return references."""


class RefusedPermission(Refused, PermissionError):
    """The call is served only by kernels started for it (``new_shell``: test kernels)."""


_PLAIN = (Exception, BaseException, object)


def _wire_class(error: BaseException) -> type[BaseException]:
    """The class an error is sent as: a refusal as the builtin it derives from, if any."""
    cls = type(error)
    if isinstance(error, Refused):
        for base in cls.__mro__:
            if base.__module__ == "builtins" and base not in _PLAIN:
                return base
    return cls


def exception_body(error: BaseException) -> dict[str, Any]:
    """``$exc`` content: enough for the other side to rebuild a matching exception."""
    try:
        message = str(error)
    except Exception:
        message = f"<unprintable {type(error).__name__}>"
    try:
        args = encode_value(list(error.args))
    except Exception:  # NotSerializable, or an argument whose own methods fail
        args = None
    cls = _wire_class(error)
    refused = isinstance(error, Refused)
    return {
        "type": cls.__qualname__,
        "module": cls.__module__,
        "message": message,
        "args": args,
        "traceback": "" if refused else "".join(traceback.format_exception(error)),
    }


def local_exception_class(
    body: dict[str, Any], *, own_package: str | None = "legacy_shell"
) -> type[BaseException] | None:
    """The class named by ``body`` if it exists here: a builtin, or one of ``own_package``."""
    module, name = str(body.get("module", "")), str(body.get("type", ""))
    if module == "builtins":
        found = getattr(builtins, name, None)
    elif own_package and (module == own_package or module.startswith(own_package + ".")):
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            return None
    else:
        return None
    if isinstance(found, type) and issubclass(found, BaseException):
        return found
    return None


_subclasses: dict[tuple[type, type | None, str], type[BaseException]] = {}


def rebuild_exception(
    cls: type[BaseException], args: tuple[Any, ...], *, mixin: type | None, module: str
) -> BaseException:
    """An instance of ``cls`` rebuilt here: a subclass with ``mixin`` first, named as ``cls``.

    ``module`` is where the subclass says it lives (``"builtins"`` so that it
    reads, and crosses back, as the builtin). A constructor with other needs
    (``UnicodeDecodeError``, ...) gets the instance made without it.
    """
    key = (cls, mixin, module)
    sub = _subclasses.get(key)
    if sub is None:
        bases = (mixin, cls) if mixin is not None else (cls,)
        sub = type(cls.__name__, bases, {"__module__": module})
        sub.__qualname__ = cls.__qualname__
        _subclasses[key] = sub
    try:
        return sub(*args)
    except Exception:
        error = sub.__new__(sub)
        error.args = args
        return error
