"""Compile and run one cell's Python: the part of ``run_cell`` after transformation.

The last top-level expression is compiled in ``single`` mode so that
``sys.displayhook`` shows its value (IPython's ``last_expr`` rule; the other
``ast_node_interactivity`` rules, ``all``, ``last``, ``none`` and
``last_expr_or_assign``, pick other nodes); every other statement runs in
``exec`` mode. Top-level ``await`` (``autoawait``, on by default) is compiled
with ``PyCF_ALLOW_TOP_LEVEL_AWAIT`` and driven by one event loop kept per runner.
``from __future__`` imports stay in force for later cells.
"""

from __future__ import annotations
import __future__

import ast
import inspect
import io
import sys
import tokenize
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

__all__ = ["CellRunner", "ends_with_semicolon"]

_PYCF_TOP_LEVEL_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag


def ends_with_semicolon(source: str) -> bool:
    """True when the cell's last token is ``;`` (comments ignored): output is suppressed."""
    last = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (
                tokenize.COMMENT,
                tokenize.NL,
                tokenize.NEWLINE,
                tokenize.ENDMARKER,
                tokenize.INDENT,
                tokenize.DEDENT,
            ):
                continue
            last = tok
    except (tokenize.TokenError, SyntaxError):
        return source.rstrip().endswith(";")
    return last is not None and last.type == tokenize.OP and last.string == ";"


class CellRunner:
    """Parses, transforms (AST) and runs cells in a namespace."""

    def __init__(self) -> None:
        self.flags = 0  # __future__ flags accumulated across cells
        self._loop: Any = None
        #: Whether ``await`` may be used at the top level of a cell (``%autoawait``).
        self.autoawait = True
        #: Which top-level nodes show their value (IPython's ``ast_node_interactivity``).
        self.interactivity = "last_expr"

    @property
    def _await_flag(self) -> int:
        return _PYCF_TOP_LEVEL_AWAIT if self.autoawait else 0

    # -- compiling -------------------------------------------------------------------
    def parse(self, source: str, filename: str) -> ast.Module:
        """Parse ``source``; raises ``SyntaxError`` with ``filename`` set."""
        tree = compile(
            source,
            filename,
            "exec",
            ast.PyCF_ONLY_AST | self._await_flag | self.flags,
            dont_inherit=True,
        )
        assert isinstance(tree, ast.Module)
        return tree

    def apply_transformers(
        self,
        tree: ast.Module,
        transformers: list[Any],
        report: Callable[[Any, BaseException], None],
    ) -> ast.Module:
        """Run each ``ast.NodeTransformer``; a failing one is reported and removed."""
        for transformer in list(transformers):
            try:
                new = transformer.visit(tree)
                if isinstance(new, ast.Module):
                    tree = ast.fix_missing_locations(new)
            except Exception as e:
                report(transformer, e)
                transformers.remove(transformer)
        return tree

    def _compile(self, node: ast.Module | ast.Interactive, filename: str, mode: str) -> CodeType:
        code = compile(node, filename, mode, self._await_flag | self.flags, dont_inherit=True)
        self.flags |= code.co_flags & _FUTURE_FLAGS
        return code

    def code_objects(
        self, tree: ast.Module, filename: str, interactive: bool
    ) -> Iterator[CodeType]:
        """One code object per top-level statement; those that show a value in ``single`` mode."""
        body = list(tree.body)
        if interactive and self.interactivity == "last_expr_or_assign" and body:
            shown = _assigned_name(body[-1])
            if shown is not None:  # ``x = f()`` shows x, as IPython's rule does
                body.append(ast.copy_location(ast.Expr(ast.Name(shown, ast.Load())), body[-1]))
                ast.fix_missing_locations(body[-1])
        for i, node in enumerate(body):
            if interactive and self._shows(node, i == len(body) - 1):
                yield self._compile(ast.Interactive(body=[node]), filename, "single")
            else:
                mod = ast.Module(body=[node], type_ignores=[])
                yield self._compile(mod, filename, "exec")

    def _shows(self, node: ast.stmt, is_last: bool) -> bool:
        rule = self.interactivity
        if rule == "none":
            return False
        if rule == "all":
            return isinstance(node, ast.Expr)
        if rule == "last":
            return is_last
        return is_last and isinstance(node, ast.Expr)

    # -- running ---------------------------------------------------------------------
    def run_code(self, code: CodeType, namespace: dict[str, Any]) -> None:
        """Run one code object; drive it on the event loop if it awaits."""
        if code.co_flags & inspect.CO_COROUTINE:
            coro = eval(code, namespace)
            self.loop().run_until_complete(coro)
        else:
            exec(code, namespace)

    def loop(self) -> Any:
        import asyncio

        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        return self._loop

    def close(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.close()


def _assigned_name(node: ast.stmt) -> str | None:
    """The one name an assignment statement binds (``x = ...``, ``x += ...``), else None."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target: ast.expr | None = node.targets[0]
    elif isinstance(node, ast.AugAssign | ast.AnnAssign) and getattr(node, "value", None):
        target = node.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


@contextmanager
def displayhook_installed(hook: Callable[[Any], None]) -> Iterator[None]:
    """Make ``hook`` the ``sys.displayhook`` while a cell runs."""
    old = sys.displayhook
    sys.displayhook = hook
    try:
        yield
    finally:
        sys.displayhook = old
