"""What the RPC channel serves: the members of ``ShellAPI``, by name, and nothing else.

Read from ``legacy_shell.api`` by introspection, once, when this module is
imported: each method marked ``@remote`` becomes one call, named by its path
from the shell (``"run_cell"``, ``"user_ns.getitem"``, ``"events.register"``,
``"display_formatter.formatters.for_type"``); a property marked ``@remote``
becomes ``"<name>.get"``. :data:`CALLS` *is* the allow-list: the server looks
a name up here and nowhere else, so no client reaches an attribute of the
shell that the contract does not declare, whatever it sends. Nothing here is
written per member: a member added to ``ShellAPI`` is served without an edit.

A call checks its arguments against the contract's own signature (so a wrong
call is a ``TypeError``, as in-process, and no argument the contract does not
declare reaches the shell), sets the policy's ``fixed`` arguments, and calls
the shell's member. The check is precomputed from the signature (binding with
``inspect`` costs microseconds per call, and calls are the hot path). Operator
methods (``__getitem__``, ``__len__``, ...) are named without their
underscores; a method the contract declares as returning a ``list`` returns
one (a snapshot of a view or an iterator, as a remote caller needs).
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
    policy: Remote
    #: The first argument picks an item of the target (``formatters[mime]``).
    keyed: bool = False
    #: From the signature: required parameter names in order, the most positional
    #: arguments (``None``: ``*args``), the names that may be passed by keyword.
    required: tuple[str, ...] = ()
    most: int | None = 0
    keywords: frozenset[str] = frozenset()
    #: Declared as returning a ``list``: a view or an iterator becomes one.
    snapshot: bool = False
    #: Positional arguments from here on are the policy's ``fixed`` ones, replaced.
    fixed_from: int | None = None

    def check(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        """``TypeError`` (as Python words it) unless the contract's signature takes these."""
        if self.most is not None and len(args) > self.most:
            raise TypeError(
                f"{self.name}() takes at most {self.most} arguments ({len(args)} given)"
            )
        if kwargs:
            unknown = kwargs.keys() - self.keywords
            if unknown:
                raise TypeError(
                    f"{self.name}() got an unexpected keyword argument {min(unknown)!r}"
                )
        for missing in self.required[len(args) :]:
            if missing not in kwargs:
                raise TypeError(f"{self.name}() missing required argument: {missing!r}")

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
        self.check(args, kwargs)
        if not self.method:
            return target
        if self.policy.fixed:  # by keyword, whatever came in their places
            args = args[: self.fixed_from]
            kwargs = {**kwargs, **self.policy.fixed}
        result = getattr(target, self.method)(*args, **kwargs)
        if self.snapshot and type(result) is not list:
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


def _arity(signature: inspect.Signature) -> dict[str, Any]:
    """The precomputed argument check of a signature (see :meth:`Call.check`)."""
    params = list(signature.parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    returns = signature.return_annotation
    return {
        "required": tuple(p.name for p in positional if p.default is p.empty),
        "most": None if any(p.kind is p.VAR_POSITIONAL for p in params) else len(positional),
        "keywords": frozenset(
            p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ),
        "snapshot": isinstance(returns, str) and returns.startswith("list["),
    }


def _derive(proto: type, path: tuple[str, ...], keyed: bool = False) -> Iterator[Call]:
    for name, hint in typing.get_type_hints(proto, include_extras=True).items():
        yield from _attribute(hint, (*path, name))
    for name, member in vars(proto).items():
        policy = policy_of(member)
        if isinstance(member, property):
            if policy is not None:  # a value read as a whole: ``execution_count``
                yield Call(f"{'.'.join((*path, name))}.get", (*path, name), "", policy)
            else:
                returns = typing.get_type_hints(member.fget, include_extras=True).get("return")
                yield from _attribute(returns, (*path, name))
        elif policy is not None:
            signature = inspect.signature(member)
            signature = signature.replace(parameters=list(signature.parameters.values())[1:])
            full = ".".join((*path, _op_name(name)))
            arity = _arity(signature)
            names = list(signature.parameters)
            fixed_from = min((names.index(n) for n in policy.fixed), default=None)
            yield Call(full, path, name, policy, keyed, fixed_from=fixed_from, **arity)


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
