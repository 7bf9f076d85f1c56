"""What the RPC channel serves: the members of ``ShellAPI``, by name, and nothing else.

Read from ``legacy_shell.api`` by introspection, once, when this module is
imported: each method marked ``@remote`` becomes one call, named by its path
from the shell (``"run_cell"``, ``"user_ns.getitem"``, ``"events.register"``,
``"display_formatter.formatters.for_type"``); a property marked ``@remote``
becomes ``"<name>.get"``. :data:`CALLS` *is* the allow-list: the server looks
a name up here and nowhere else, so no client reaches an attribute of the
shell that the contract does not declare, whatever it sends. Nothing here is
written per member: a member added to ``ShellAPI`` is served without an edit.

A call binds its arguments to the contract's own signature (so a wrong call is
the same ``TypeError`` it would be in-process), sets the policy's ``fixed``
arguments, and calls the shell's member. Operator methods (``__getitem__``,
``__len__``, ...) are named without their underscores; results that are views
or iterators cross as a list (a snapshot, as a remote caller needs).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from legacy_shell import api
from legacy_shell.api import Remote, Via, policy_of

__all__ = ["CALLS", "Call", "calls_of", "describe"]


@dataclass(frozen=True)
class Call:
    """One servable name: where its target is, what to call on it, and its policy."""

    name: str
    #: Attributes from the shell to the target object (the last one is read for a property).
    path: tuple[str, ...]
    #: The method to call on the target; ``""`` reads the target itself (a property).
    method: str
    #: The contract's signature, without ``self`` (and without the key of a keyed call).
    signature: inspect.Signature
    policy: Remote
    #: The first argument picks an item of the target (``formatters[mime]``).
    keyed: bool = False

    @property
    def refs(self) -> bool:
        return self.policy.refs

    @property
    def output(self) -> bool:
        return self.policy.output

    def invoke(self, shell: api.ShellAPI, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        """Run the call on ``shell``; a wrong call raises the ``TypeError`` Python would."""
        target: Any = shell
        for attr in self.path:
            target = getattr(target, attr)
        if self.keyed:
            if not args:
                raise TypeError(f"{self.name}() needs the key of the item first")
            target = target[args[0]]
            args = args[1:]
        if not self.method:
            if args or kwargs:
                raise TypeError(f"{self.name}() takes no arguments")
            return target
        bound = self.signature.bind(*args, **kwargs)
        if self.policy.fixed:
            bound.arguments.update(self.policy.fixed)
        result = getattr(target, self.method)(*bound.args, **bound.kwargs)
        if isinstance(result, Iterator | typing.KeysView | typing.ValuesView | typing.ItemsView):
            return list(result)
        return result


def _op_name(method: str) -> str:
    return method.strip("_") if method.startswith("__") else method


def _is_contract(hint: Any) -> typing.TypeGuard[type]:
    """A Protocol of ``legacy_shell.api`` with reachable members (``EventsAPI``, ...)."""
    return isinstance(hint, type) and any(policy_of(m) for m in vars(hint).values())


def _attribute(hint: Any, path: tuple[str, ...]) -> Iterator[Call]:
    """The calls of an attribute: the operations its ``Via`` names, or its Protocol's."""
    via = next((m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Via)), None)
    if via is not None:
        yield from _derive(via.ops, path, via.keyed)
    elif _is_contract(hint):
        yield from _derive(hint, path)


def _derive(proto: type, path: tuple[str, ...], keyed: bool = False) -> Iterator[Call]:
    for name, hint in typing.get_type_hints(proto, include_extras=True).items():
        yield from _attribute(hint, (*path, name))
    for name, member in vars(proto).items():
        policy = policy_of(member)
        if isinstance(member, property):
            if policy is not None:  # a value read as a whole: ``execution_count``
                yield Call(f"{'.'.join((*path, name))}.get", (*path, name), "", _NO_ARGS, policy)
            else:
                returns = typing.get_type_hints(member.fget, include_extras=True).get("return")
                yield from _attribute(returns, (*path, name))
        elif policy is not None:
            signature = inspect.signature(member)
            signature = signature.replace(parameters=list(signature.parameters.values())[1:])
            full = ".".join((*path, _op_name(name)))
            yield Call(full, path, name, signature, policy, keyed)


_NO_ARGS = inspect.Signature()


def calls_of(contract: type) -> dict[str, Call]:
    """Every call a contract Protocol declares, by name (``CALLS`` is ``ShellAPI``'s)."""
    return {call.name: call for call in _derive(contract, ())}


#: Every servable name -> its :class:`Call` (the allow-list).
CALLS: Mapping[str, Call] = calls_of(api.ShellAPI)

_ITEM_OPS = frozenset({"getitem", "setitem", "delitem", "get", "pop"})


def describe(name: str, args: Sequence[Any]) -> str:
    """How a call is named in messages: ``user_ns['x']`` rather than ``user_ns.getitem``."""
    call = CALLS.get(name)
    base, _, op = name.rpartition(".")
    if call is not None and call.keyed and args:
        return f"{base}[{args[0]!r}].{op}"
    if op in _ITEM_OPS and args:
        return f"{base}[{args[0]!r}]"
    return name
