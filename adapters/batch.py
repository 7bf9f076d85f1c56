"""Many calls for one round trip (``shell.batch()``) and calls sent without waiting (``oneway``).

Inside ``with shell.batch() as b:`` each method call records the call and
returns a ``concurrent.futures.Future``; leaving the block sends them all in
one message and resolves every future (with its value or its exception). An
argument that cannot cross fails at once, where it was written. ``b.user_ns``
records namespace operations the same way (``b.user_ns["k"] = v`` included).

``shell.oneway.<method>(...)`` sends a call and returns ``None`` at once: for
notifications whose answer nobody waits for; a failure is logged by the kernel.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from split.rpc.surface import CALLS

from .client import RpcClient

__all__ = ["Batch", "OneWay"]


def _check(name: str, *, oneway: bool = False) -> None:
    call = None if name.startswith("_") else CALLS.get(name)
    if call is None:
        raise AttributeError(f"{name!r} is not a method of the shell API that can be batched")
    if oneway and not call.policy.oneway:
        raise AttributeError(
            f"{name!r} answers with a value: it cannot be sent one-way (see ShellAPI's policies)"
        )


class _BatchNamespace:
    def __init__(self, batch: Batch, prefix: str) -> None:
        self._batch = batch
        self._prefix = prefix

    def __setitem__(self, key: str, value: Any) -> None:
        self._batch._add(f"{self._prefix}.setitem", (key, value), {})

    def __getitem__(self, key: str) -> Future[Any]:
        return self._batch._add(f"{self._prefix}.getitem", (key,), {})

    def __delitem__(self, key: str) -> None:
        self._batch._add(f"{self._prefix}.delitem", (key,), {})

    def __getattr__(self, op: str) -> Any:
        name = f"{self._prefix}.{op}"
        _check(name)
        return lambda *args, **kwargs: self._batch._add(name, args, kwargs)


class Batch:
    """Records calls; sends them in one message when the ``with`` block ends."""

    def __init__(self, client: RpcClient) -> None:
        self._client = client
        self._calls: list[dict[str, Any]] = []
        self._futures: list[Future[Any]] = []
        self.user_ns = _BatchNamespace(self, "user_ns")
        self.user_global_ns = _BatchNamespace(self, "user_global_ns")

    def _add(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Future[Any]:
        encoded_args, encoded_kwargs = self._client.codec.encode_call(name, args, kwargs)
        self._calls.append({"name": name, "args": encoded_args, "kwargs": encoded_kwargs})
        future: Future[Any] = Future()
        self._futures.append(future)
        return future

    def __getattr__(self, name: str) -> Any:
        _check(name)

        def record(*args: Any, **kwargs: Any) -> Future[Any]:
            return self._add(name, args, kwargs)

        self.__dict__[name] = record  # the next b.<name> is a plain attribute
        return record

    def send(self) -> None:
        """Send what was recorded (``__exit__`` does it); every future gets its outcome."""
        calls, futures = self._calls, self._futures
        self._calls, self._futures = [], []
        if not calls:
            return
        try:
            results = self._client.batch(calls)
        except BaseException as e:
            for future in futures:
                future.set_exception(e)
            raise
        codec = self._client.codec
        for future, body in zip(futures, results, strict=True):
            if body.get("ok"):
                future.set_result(codec.decode(body.get("value")))
            else:
                future.set_exception(codec.decode({"$exc": body.get("error") or {}}))

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.send()


class OneWay:
    """``shell.oneway.set_next_input("x")``: sent, not waited for."""

    def __init__(self, client: RpcClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        _check(name, oneway=True)
        client = self._client

        def send(*args: Any, **kwargs: Any) -> None:
            encoded_args, encoded_kwargs = client.codec.encode_call(name, args, kwargs)
            client.call(name, encoded_args, encoded_kwargs, oneway=True)

        return send
