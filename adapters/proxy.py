"""``ShellProxy``: the shell API of a kernel's shell, in this process.

Every member of ``legacy_shell.api.ShellAPI`` is here with the contract's own
signature; each use becomes a call on the kernel's RPC channel. Methods that
only forward their arguments are generated from the contract when this module
is imported (a member added to ``ShellAPI`` is served with no edit here); the
few written by hand do work on this side (``push`` reads names from the
caller's frame, ``register_magics`` registers each magic) and mypy checks them
against the contract (the ``TYPE_CHECKING`` block at the end). Anything else raises ``AttributeError`` at once, with no round trip:
the member table is fixed when the proxy connects (IPython's display code
probes objects for ``_ipython_canary_method_should_not_exist_``; it is never
sent). The parts of the shell that are containers come as small local objects
made once: ``user_ns`` is a remote mapping, ``events`` registers functions that
stay here, ``display_formatter.formatters`` knows its MIME types from the
hello, ``config`` reads and sets keys.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from legacy_shell.api import EventsAPI, FormatterAPI, ShellAPI, policy_of
from legacy_shell.magic import Magics
from legacy_shell.namespace import names_from_frame
from split.rpc.surface import CALLS

from .client import RpcClient
from .errors import ProxyError

__all__ = [
    "RemoteConfig",
    "RemoteDisplayFormatter",
    "RemoteEvents",
    "RemoteFormatter",
    "RemoteList",
    "RemoteNamespace",
    "ShellProxy",
]


class _Member:
    """A part of the proxy that calls ``<prefix>.<op>`` on the kernel."""

    def __init__(self, client: RpcClient, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def _call(self, op: str, *args: Any) -> Any:
        return _call(self._client, f"{self._prefix}.{op}", args, {})


def _call(client: RpcClient, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    encoded_args, encoded_kwargs = client.codec.encode_call(name, args, kwargs)
    return client.call(name, encoded_args, encoded_kwargs)


class RemoteNamespace(_Member, MutableMapping[str, Any]):
    """The kernel's namespace as a mapping; values cross by value, ``update`` in one call."""

    def __getitem__(self, key: str) -> Any:
        return self._call("getitem", key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._call("setitem", key, value)

    def __delitem__(self, key: str) -> None:
        self._call("delitem", key)

    def __contains__(self, key: object) -> bool:
        return bool(self._call("contains", key))

    def __len__(self) -> int:
        return int(self._call("len"))

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def keys(self) -> list[str]:  # type: ignore[override]
        """The names, in one call (a list, not a live view)."""
        return list(self._call("keys"))

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        """Every ``(name, value)`` in one call; values that cannot cross are ``RemoteRef``."""
        return [tuple(pair) for pair in self._call("items")]  # type: ignore[misc]

    def values(self) -> list[Any]:  # type: ignore[override]
        return list(self._call("values"))

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    _MISSING: Any = object()

    def pop(self, key: str, default: Any = _MISSING) -> Any:
        if default is RemoteNamespace._MISSING:
            return self._call("pop", key)
        return self._call("pop", key, default)

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Set many names in one call."""
        values = dict(other)
        values.update(kwargs)
        self._call("update", values)

    def __repr__(self) -> str:
        return f"<remote namespace {self._prefix} of {self._client.endpoint}>"


class RemoteEvents(_Member):
    """``events.register``/``unregister``: the function stays here and is called back."""

    def register(self, event: str, function: Callable[..., Any]) -> None:
        if not callable(function):
            raise TypeError(f"Need a callable, got {function!r}")
        self._call("register", event, function)

    def unregister(self, event: str, function: Callable[..., Any]) -> None:
        self._call("unregister", event, function)


class RemoteFormatter:
    """One MIME type's formatter: ``for_type`` registers a function that stays here."""

    def __init__(self, client: RpcClient, mime: str) -> None:
        self._client = client
        self.format_type = mime

    def for_type(self, typ: Any, func: Callable[..., Any] | None = None) -> Any:
        """``typ`` is a class or ``"module.Name"``; returns the function registered before."""
        return _call(
            self._client, "display_formatter.formatters.for_type", (self.format_type, typ, func), {}
        )

    def for_type_by_name(
        self, type_module: str, type_name: str, func: Callable[..., Any] | None = None
    ) -> Any:
        return self.for_type(f"{type_module}.{type_name}", func)


class RemoteDisplayFormatter(_Member):
    """``display_formatter``: ``formatters[mime]`` (made once) and ``format(obj)``."""

    def __init__(self, client: RpcClient, mimes: Sequence[str]) -> None:
        super().__init__(client, "display_formatter")
        self.formatters: Mapping[str, FormatterAPI] = {
            mime: RemoteFormatter(client, mime) for mime in mimes
        }

    def format(self, obj: Any, include: Any = None, exclude: Any = None) -> Any:
        data, metadata = self._call("format", obj, include, exclude)
        return data, metadata


class RemoteConfig(_Member):
    """The shell's configuration: ``config[key]``, ``get``, ``set``, ``as_dict``."""

    def __getitem__(self, key: str) -> Any:
        return self._call("getitem", key)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def set(self, key: str, value: Any) -> None:
        self._call("set", key, value)

    __setitem__ = set

    def as_dict(self) -> dict[str, Any]:
        return dict(self._call("as_dict"))


class RemoteList(_Member):
    """A list of the shell's (``ast_transformers``, ``input_transformers_post``)."""

    def __len__(self) -> int:
        return int(self._call("len"))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._call("iter"))

    def __getitem__(self, index: int) -> Any:
        return list(self._call("iter"))[index]

    def __contains__(self, item: object) -> bool:
        return bool(self._call("contains", item))

    def append(self, item: Any) -> None:
        self._call("append", item)

    def remove(self, item: Any) -> None:
        self._call("remove", item)

    def clear(self) -> None:
        self._call("clear")


_C = TypeVar("_C", bound=type)


def _forwarding_method(name: str, member: Callable[..., Any]) -> Callable[..., Any]:
    """A method that sends its arguments, checked against the contract's signature."""
    signature = inspect.signature(member)
    check = CALLS[name].check

    def method(self: ShellProxy, *args: Any, **kwargs: Any) -> Any:
        check(args, kwargs)  # a wrong call fails here, as in-process, before it is sent
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"ShellProxy.{name}"
    method.__doc__ = member.__doc__
    method.__signature__ = signature  # type: ignore[attr-defined]
    return method


def _forward_the_rest_of(contract: type) -> Callable[[_C], _C]:
    """Give the class a forwarding method for each remote method of ``contract`` it lacks."""

    def complete(cls: _C) -> _C:
        for name, member in vars(contract).items():
            if name in vars(cls) or isinstance(member, property) or policy_of(member) is None:
                continue
            setattr(cls, name, _forwarding_method(name, member))
        return cls

    return complete


@_forward_the_rest_of(ShellAPI)
class ShellProxy:
    """A ``ShellAPI`` whose shell lives in a kernel; build it with ``adapters.connect``."""

    def __init__(self, client: RpcClient, *, on_close: Callable[[], None] | None = None) -> None:
        hello = client.hello
        missing = set(CALLS) - set(hello.get("members", ()))
        if missing:  # the member table travels once, at connect: check it now
            raise ProxyError(
                f"the kernel does not serve {', '.join(sorted(missing))}: it runs another "
                "version of legacy-shell"
            )
        self._client = client
        self._on_close = on_close
        self.kernel_pid: int = int(hello.get("pid", 0))
        self.user_ns: MutableMapping[str, Any] = RemoteNamespace(client, "user_ns")
        self.user_global_ns: MutableMapping[str, Any] = RemoteNamespace(client, "user_global_ns")
        self.events: EventsAPI = RemoteEvents(client, "events")
        self.ast_transformers: Any = RemoteList(client, "ast_transformers")
        self.input_transformers_post: Any = RemoteList(client, "input_transformers_post")
        self._display_formatter = RemoteDisplayFormatter(client, hello.get("mimes", []))
        self._config = RemoteConfig(client, "config")
        self._built = True

    # -- plumbing ----------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_built") and not name.startswith("_"):
            raise AttributeError(
                f"cannot set {name!r} on a shell in another process: change the shell "
                "through its API (push, config.set, events.register, ...) or in a cell"
            )
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # only names the class does not define get here: never a round trip
        raise AttributeError(
            f"{name!r} is not part of the shell API (legacy_shell.api.ShellAPI): "
            "only its members reach a shell in another process"
        )

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return _call(self._client, name, args, kwargs)

    @property
    def client(self) -> RpcClient:
        """The RPC client (for ``batch``, one-way calls and tests)."""
        return self._client

    def close(self) -> None:
        """Disconnect (the kernel drops our callbacks); stop the kernel if we started it."""
        self._client.close()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()

    def __enter__(self) -> ShellProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ShellProxy of kernel pid {self.kernel_pid} at {self._client.endpoint}>"

    def batch(self) -> Any:
        """Many calls, one round trip: ``with shell.batch() as b: f = b.push({...})``."""
        from .batch import Batch

        return Batch(self._client)

    @property
    def oneway(self) -> Any:
        """The same methods, sent without waiting: ``shell.oneway.set_next_input("x")``."""
        from .batch import OneWay

        return OneWay(self._client)

    # -- ShellAPI ----------------------------------------------------------------------

    @property
    def execution_count(self) -> int:
        return int(self._client.call("execution_count.get", []))

    @property
    def config(self) -> RemoteConfig:
        return self._config

    @property
    def display_formatter(self) -> RemoteDisplayFormatter:
        return self._display_formatter

    def register_magics(self, *objs: Any) -> None:
        """Magics stay in this process: each of their magics is registered as a callback."""
        for obj in objs:
            if isinstance(obj, type):
                if not issubclass(obj, Magics):
                    raise ValueError(f"{obj!r} is not a Magics subclass")
                obj = obj(shell=self)
            if not isinstance(obj, Magics):
                raise ValueError(f"{obj!r} is neither a Magics subclass nor an instance of one")
            for kind in ("line", "cell"):
                for name, attr in type(obj).magics[kind].items():
                    self.register_magic_function(getattr(obj, attr), kind, name)

    def register_magic_function(
        self, func: Callable[..., Any], magic_kind: str = "line", magic_name: str | None = None
    ) -> None:
        name = magic_name or getattr(func, "__name__", None)
        self._call("register_magic_function", func, magic_kind, name)

    def push(self, variables: Any, interactive: bool = True) -> None:
        if isinstance(variables, str | list | tuple):  # names in the caller's frame, read here
            variables = names_from_frame(variables, sys._getframe(1))
        elif not isinstance(variables, dict):
            raise TypeError(
                "push() takes a dict, a string of names or a list of names, "
                f"not {type(variables).__name__}"
            )
        self._call("push", variables, interactive)


if TYPE_CHECKING:
    # mypy checks the hand-written members against the contract (generated ones
    # are correct by construction): a signature that differs fails ./dev test
    _IS_A_SHELL: type[ShellAPI] = ShellProxy
