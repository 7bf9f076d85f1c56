"""What is proxy-safe: the members of ``ShellAPI``, read from ``legacy_shell/api.py`` itself.

The contract is written once, in ``legacy_shell.api`` (see docs/architecture.md,
"The shell API contract"); the audit must never keep a second list. It reads
the module's *source* (found without importing it: this package imports none
of the shell's, so it also runs where they cannot be imported) and walks
``ShellAPI`` the way ``split.rpc.surface`` walks it at run time: methods and
properties are members; a property annotated ``Annotated[..., Via(Ops)]``
lends the members of ``Ops`` to its chain (``user_ns.__setitem__``); one
typed with a part Protocol (``EventsAPI``...) lends that Protocol's.

A chain is the dotted path from the shell, operators named as their dunder
(``user_ns.__setitem__``, ``display_formatter.formatters.for_type``, where
``formatters[mime]`` is a keyed item and adds no name of its own).
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Contract", "ContractError", "Member", "find_api_source", "load_contract"]


class ContractError(Exception):
    """The contract's source cannot be found or read."""


@dataclass(frozen=True)
class Member:
    """One reachable chain and how it crosses (from its ``@remote`` policy, if any)."""

    chain: str
    #: A method (called) rather than a value read.
    callable: bool = False
    functions: bool = False
    types: bool = False
    refs: bool = False


@dataclass
class Contract:
    """Every chain of ``ShellAPI`` that code may use on a shell in another process."""

    members: dict[str, Member] = field(default_factory=dict)
    source: Path | None = None

    def __contains__(self, chain: object) -> bool:
        return chain in self.members

    def get(self, chain: str) -> Member | None:
        return self.members.get(chain)

    @property
    def top_level(self) -> set[str]:
        """The names directly on the shell (``run_cell``, ``user_ns``, ...)."""
        return {chain.split(".", 1)[0] for chain in self.members}


def find_api_source() -> Path:
    """``legacy_shell/api.py`` of the installed shell, found without importing the package."""
    spec = importlib.util.find_spec("legacy_shell")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / "api.py"
        if path.is_file():
            return path
    raise ContractError(
        "cannot find legacy_shell/api.py (is legacy-shell installed in this environment?)"
    )


def load_contract(path: Path | None = None) -> Contract:
    """The contract read from ``path`` (default: :func:`find_api_source`)."""
    path = path or find_api_source()
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError) as e:
        raise ContractError(f"cannot read the shell API from {path}: {e}") from None
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    if "ShellAPI" not in classes:
        raise ContractError(f"{path} defines no ShellAPI")
    contract = Contract(source=path)
    _walk(classes, classes["ShellAPI"], "", contract, depth=0)
    return contract


def _decorators(node: ast.FunctionDef) -> tuple[bool, ast.Call | None]:
    """``(is a property, the @remote(...) call or None)``."""
    is_property, remote = False, None
    for deco in node.decorator_list:
        if isinstance(deco, ast.Name) and deco.id == "property":
            is_property = True
        elif isinstance(deco, ast.Call) and _name_of(deco.func) == "remote":
            remote = deco
    return is_property, remote


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _flags(remote: ast.Call | None) -> dict[str, bool]:
    flags = {}
    for keyword in remote.keywords if remote is not None else ():
        if keyword.arg in ("functions", "types", "refs") and isinstance(
            keyword.value, ast.Constant
        ):
            flags[keyword.arg] = bool(keyword.value.value)
    return flags


def _via(annotation: ast.expr | None) -> tuple[str, bool] | None:
    """``(Ops class name, keyed)`` of an ``Annotated[..., Via(Ops[, keyed=True])]``."""
    if not isinstance(annotation, ast.Subscript) or _name_of(annotation.value) != "Annotated":
        return None
    parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
    for part in parts[1:]:
        if isinstance(part, ast.Call) and _name_of(part.func) == "Via" and part.args:
            keyed = any(
                k.arg == "keyed" and isinstance(k.value, ast.Constant) and bool(k.value.value)
                for k in part.keywords
            )
            return _name_of(part.args[0]), keyed
    return None


def _walk(
    classes: dict[str, ast.ClassDef], cls: ast.ClassDef, prefix: str, out: Contract, depth: int
) -> None:
    if depth > 4:  # the contract nests two levels; a cycle must not hang the audit
        return
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            _attribute(classes, prefix + node.target.id, node.annotation, out, depth)
        elif isinstance(node, ast.FunctionDef):
            is_property, remote = _decorators(node)
            chain = prefix + node.name
            if is_property and remote is None:
                out.members[chain] = Member(chain)
                _attribute(classes, chain, node.returns, out, depth)
            else:
                out.members[chain] = Member(chain, callable=not is_property, **_flags(remote))


def _attribute(
    classes: dict[str, ast.ClassDef],
    chain: str,
    annotation: ast.expr | None,
    out: Contract,
    depth: int,
) -> None:
    out.members.setdefault(chain, Member(chain))
    via = _via(annotation)
    if via is not None:
        ops = via[0]  # keyed or not, the audit tells from the members
        if ops in classes:
            _walk(classes, classes[ops], chain + ".", out, depth + 1)
        return
    name = _name_of(annotation) if annotation is not None else ""
    if name in classes:
        _walk(classes, classes[name], chain + ".", out, depth + 1)
