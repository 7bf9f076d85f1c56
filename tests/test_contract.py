"""The shell API contract is written once, in ``legacy_shell.api``, and read from there.

The kernel's allow-list and call table, the proxy's forwarding methods and
the one-way/batch rules are all derived from ``ShellAPI`` and its small
Protocols; these tests pin what that derivation gives and show that a member
declared with ``@remote`` is served with no other edit.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Annotated, Any, Protocol

import pytest

from adapters.proxy import ShellProxy
from legacy_shell.api import ShellAPI, Via, policy_of, remote
from split.rpc.surface import CALLS, calls_of, describe

#: The parts of the shell and what crosses of each (their wire names, pinned).
PARTS = {
    *(f"{ns}.{op}" for ns in ("user_ns", "user_global_ns") for op in (
        "getitem", "setitem", "delitem", "contains", "len", "keys", "items", "values", "get",
        "pop", "update")),
    *(f"{lst}.{op}" for lst in ("ast_transformers", "input_transformers_post") for op in (
        "len", "iter", "contains", "append", "remove", "clear")),
    "events.register", "events.unregister", "execution_count.get",
    "config.getitem", "config.get", "config.set", "config.as_dict",
    "display_formatter.formatters.for_type", "display_formatter.format",
}  # fmt: skip


def _remote_methods() -> set[str]:
    return {
        name
        for name, member in vars(ShellAPI).items()
        if policy_of(member) is not None and not isinstance(member, property)
    }


def test_the_kernel_serves_exactly_what_the_contract_declares() -> None:
    assert set(CALLS) == PARTS | _remote_methods()


def test_the_methods_users_reach_are_all_served() -> None:
    assert {
        "run_cell", "run_line_magic", "run_cell_magic", "register_magic_function", "push",
        "set_next_input", "complete", "object_inspect_text", "object_inspect_mime", "history",
    } <= _remote_methods()  # fmt: skip


def test_register_magics_is_not_a_call_the_proxy_sends_each_magic_instead() -> None:
    assert policy_of(ShellAPI.register_magics) is None
    assert "register_magics" not in CALLS


def test_policies_come_from_the_contract() -> None:
    assert CALLS["run_cell"].policy.output and CALLS["run_cell"].policy.refs
    assert CALLS["events.register"].policy.functions
    assert CALLS["display_formatter.formatters.for_type"].policy.types
    assert CALLS["display_formatter.formatters.for_type"].keyed
    assert not CALLS["complete"].policy.oneway
    assert CALLS["set_next_input"].policy.oneway
    assert CALLS["run_line_magic"].policy.fixed == {"_stack_depth": 0}


def test_calls_are_named_for_people_in_messages() -> None:
    assert describe("user_ns.getitem", ["x"]) == "user_ns['x']"
    assert (
        describe("display_formatter.formatters.for_type", ["text/html", int])
        == "display_formatter.formatters['text/html'].for_type"
    )
    assert describe("run_cell", ["1"]) == "run_cell"


def test_the_proxy_forwards_with_the_contracts_own_signatures() -> None:
    for name, member in vars(ShellAPI).items():
        if policy_of(member) is None or isinstance(member, property):
            continue
        ours = inspect.signature(getattr(ShellProxy, name))
        assert ours == inspect.signature(member), name


def test_a_forwarding_method_refuses_a_wrong_call_before_sending() -> None:
    with pytest.raises(TypeError):
        ShellProxy.run_cell(object.__new__(ShellProxy))  # type: ignore[call-arg]


# -- a member added to a contract is served with no other edit ------------------------


class _ItemAPI(Protocol):
    @remote()
    def size(self) -> int: ...


class _ToyAPI(Protocol):
    """A stand-in contract, derived the way ``ShellAPI`` is."""

    @property
    @remote()
    def count(self) -> int: ...

    @property
    def items(self) -> Annotated[Mapping[str, _ItemAPI], Via(_ItemAPI, keyed=True)]: ...

    @remote(oneway=True)
    def add(self, a: int, b: int = 2) -> int: ...

    @remote(fixed={"_depth": 0})
    def where(self, _depth: int = 1) -> int: ...

    @remote(refs=True)
    def names(self) -> list[str]: ...


class _Item:
    def __init__(self, n: int) -> None:
        self.n = n

    def size(self) -> int:
        return self.n


class _Toy:
    count = 7
    items = {"a": _Item(3)}

    def add(self, a: int, b: int = 2) -> int:
        return a + b

    def where(self, _depth: int = 1) -> int:
        return _depth

    def names(self) -> Any:
        return iter(["x", "y"])


def test_a_declared_member_becomes_a_call_that_binds_like_python() -> None:
    calls = calls_of(_ToyAPI)
    assert set(calls) == {"count.get", "items.size", "add", "where", "names"}
    toy: Any = _Toy()
    assert calls["add"].invoke(toy, [1], {}) == 3
    assert calls["add"].invoke(toy, [1], {"b": 5}) == 6
    with pytest.raises(TypeError):
        calls["add"].invoke(toy, [], {})  # the same TypeError a local call raises
    with pytest.raises(TypeError):
        calls["add"].invoke(toy, [1, 2, 3], {})


def test_fixed_arguments_win_over_what_the_caller_sent() -> None:
    assert calls_of(_ToyAPI)["where"].invoke(_Toy(), [5], {}) == 0  # type: ignore[arg-type]


def test_properties_keyed_items_and_iterators_cross_as_values() -> None:
    calls = calls_of(_ToyAPI)
    toy: Any = _Toy()
    assert calls["count.get"].invoke(toy, [], {}) == 7
    assert calls["items.size"].invoke(toy, ["a"], {}) == 3
    assert calls["names"].invoke(toy, [], {}) == ["x", "y"]  # a snapshot, not an iterator
    with pytest.raises(TypeError, match="needs the key"):
        calls["items.size"].invoke(toy, [], {})
