"""Many calls, one round trip (``shell.batch()``), and calls nobody waits for (``shell.oneway``).

Inside ``with shell.batch() as b:`` every call returns a future and nothing is
sent; leaving the block sends all of them in one message and resolves every
future, each with its own value or exception. ``shell.oneway.<method>(...)``
sends a call and returns ``None`` without waiting for an answer.
"""

from __future__ import annotations

from concurrent.futures import Future

import pytest
from proxy_support import Kernel, count_sends

from adapters import ShellProxy
from legacy_shell.errors import UsageError


def test_a_hundred_pushes_in_a_batch_are_one_message(
    proxy: ShellProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = count_sends(monkeypatch, proxy)
    with proxy.batch() as b:
        futures = [b.push({f"v{i}": i}) for i in range(100)]
        assert sent.count == 0  # recorded, not sent
        assert not any(f.done() for f in futures)
    assert sent.ops() == ["batch"]
    assert len(sent.messages[0]["calls"]) == 100
    assert all(isinstance(f, Future) and f.done() for f in futures)
    assert [f.result() for f in futures] == [None] * 100
    assert proxy.user_ns["v0"] == 0 and proxy.user_ns["v99"] == 99


def test_a_batch_runs_its_calls_in_order_and_returns_each_value(proxy: ShellProxy) -> None:
    with proxy.batch() as b:
        b.user_ns["k"] = [1, 2]
        read = b.user_ns["k"]
        b.push({"j": (3,)})
        cell = b.run_cell("k + list(j)")
        b.user_ns.update({"m": {1: "one"}})
        has_m = b.user_ns.contains("m")
        del b.user_ns["k"]
        magic = b.run_line_magic("who_ls", "")
    assert read.result() == [1, 2]
    assert cell.result().result == [1, 2, 3]
    assert has_m.result() is True
    assert magic.result() == ["j", "m"]
    assert "k" not in proxy.user_ns
    assert proxy.user_ns["m"] == {1: "one"}


def test_an_error_in_one_call_of_a_batch_fails_that_future_only(proxy: ShellProxy) -> None:
    with proxy.batch() as b:
        before = b.push({"before": 1})
        missing = b.user_ns["no_such_name"]
        magic = b.run_line_magic("nosuchmagic", "")
        after = b.push({"after": 2})
    assert before.result() is None and after.result() is None
    with pytest.raises(KeyError):
        missing.result()
    assert isinstance(magic.exception(), UsageError)
    assert proxy.user_ns["before"] == 1 and proxy.user_ns["after"] == 2


def test_a_value_that_cannot_cross_fails_where_it_is_written(
    proxy: ShellProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = count_sends(monkeypatch, proxy)
    with proxy.batch() as b:
        b.push({"ok": 1})
        with pytest.raises(TypeError, match=r"push.*builtins\.object"):
            b.push({"bad": object()})
    assert sent.ops() == ["batch"]
    assert proxy.user_ns["ok"] == 1
    assert "bad" not in proxy.user_ns


def test_a_batch_left_by_an_exception_sends_nothing(
    proxy: ShellProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = count_sends(monkeypatch, proxy)
    with pytest.raises(RuntimeError), proxy.batch() as b:
        b.push({"never": 1})
        raise RuntimeError("changed my mind")
    assert sent.count == 0
    assert "never" not in proxy.user_ns


@pytest.mark.parametrize(
    "name", ["_private", "__secret__", "history_manager", "close", "execution_count"]
)
def test_only_api_methods_can_be_batched_or_sent_one_way(proxy: ShellProxy, name: str) -> None:
    with proxy.batch() as b, pytest.raises(AttributeError):
        getattr(b, name)
    with pytest.raises(AttributeError):
        getattr(proxy.oneway, name)


def test_a_one_way_call_returns_none_without_waiting(
    proxy: ShellProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[str] = []
    exchange = proxy.client._exchange

    def counting_exchange(
        sock: object, message: dict[str, object], what: str, *a: object
    ) -> object:
        waits.append(what)
        return exchange(sock, message, what, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(proxy.client, "_exchange", counting_exchange)
    sent = count_sends(monkeypatch, proxy)
    assert proxy.oneway.set_next_input("x") is None
    assert proxy.oneway.push({"one_way": 1}) is None
    assert waits == []
    assert sent.ops() == ["call", "call"]
    assert all(m.get("oneway") for m in sent.messages)
    assert proxy.user_ns["one_way"] == 1  # the next call works, after the one-way ones
    assert waits == ["user_ns.getitem"]


def test_a_failing_one_way_call_is_logged_by_the_kernel_not_raised(
    kernel: Kernel, proxy: ShellProxy
) -> None:
    assert proxy.oneway.run_line_magic("nosuchmagic_oneway", "") is None
    assert proxy.run_cell("1 + 1").result == 2
    assert "one-way call run_line_magic failed" in kernel.log()
