"""Turn IPython syntax into plain Python, and tell whether a cell is complete.

``%magic``, ``%%cell_magic``, ``!cmd``, ``x = !cmd``, ``x = %magic``, ``obj?``,
``obj??``, ``?obj``, automagic and pasted ``>>>`` / ``In [n]:`` prompts become
calls on ``get_ipython()``. Only the start of a logical line is ever rewritten:
text inside strings, brackets and continuation lines is left alone.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable

__all__ = ["InputTransformer", "leading_indent"]

_HELP_END = re.compile(
    r"^(?P<lead>\s*)(?P<obj>%{0,2}[A-Za-z_*][\w.*]*(?:\[[^\]]*\])?)(?P<q>\?\??)\s*$"
)
_HELP_START = re.compile(r"^(?P<lead>\s*)(?P<q>\?\??)\s*(?P<obj>%{0,2}[\w.*]+(?:\[[^\]]*\])?)\s*$")
_ASSIGN_SYS = re.compile(r"^(?P<lead>\s*)(?P<lhs>[\w.\[\]'\", ]+?)\s*=\s*!(?P<cmd>.*)$")
_ASSIGN_MAGIC = re.compile(
    r"^(?P<lead>\s*)(?P<lhs>[\w.\[\]'\", ]+?)\s*=\s*%(?P<name>\w+)\s?(?P<args>.*)$"
)
_MAGIC = re.compile(r"^(?P<lead>\s*)%(?P<name>[A-Za-z_]\w*)\s?(?P<args>.*)$")
_AUTOMAGIC = re.compile(r"^(?P<lead>\s*)(?P<name>[A-Za-z_]\w*)(?P<rest>(?:\s+.*)?)$")
_CLASSIC_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_IPY_PROMPT = re.compile(r"^(In \[\d+\]: |\s*\.\.\.+: ?)")
_OPERATORS = ("=", "(", "[", ".", ",", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", ":", ";")
_DEDENT_WORDS = ("return", "pass", "break", "continue", "raise")


def leading_indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _statement_start(python_so_far: str) -> bool:
    """True when the next physical line starts a new logical line."""
    if not python_so_far.strip():
        return True
    if python_so_far.rstrip("\n").endswith("\\"):
        return False
    try:
        for _ in tokenize.generate_tokens(io.StringIO(python_so_far).readline):
            pass
    except tokenize.TokenError:
        return False
    except (SyntaxError, ValueError):
        return True
    return True


class InputTransformer:
    """Rewrites a cell; ``is_automagic(name)`` says whether a bare name is a magic call."""

    def __init__(
        self,
        is_automagic: Callable[[str], bool] | None = None,
        is_macro: Callable[[str], bool] | None = None,
    ) -> None:
        """``is_automagic(name)``: a bare name calls a magic; ``is_macro(name)``: it names a
        ``Macro`` (a cell that is only that name runs the macro's code)."""
        self.is_automagic = is_automagic or (lambda name: False)
        self.is_macro = is_macro or (lambda name: False)

    # -- whole-cell transforms -------------------------------------------------
    @staticmethod
    def strip_prompts(cell: str) -> str:
        """Remove ``>>>`` / ``...`` or ``In [n]:`` prompts from pasted sessions."""
        lines = cell.splitlines(keepends=True)
        first = next((ln for ln in lines if ln.strip()), "")
        for prompt in (_CLASSIC_PROMPT, _IPY_PROMPT):
            if prompt.match(first):
                return "".join(prompt.sub("", ln, count=1) for ln in lines)
        return cell

    def cell_magic(self, cell: str) -> str | None:
        if not cell.startswith("%%"):
            return None
        first, _, body = cell.partition("\n")
        if body and not body.endswith("\n"):
            body += "\n"  # IPython hands cell magics newline-terminated bodies
        name, _, line = first[2:].partition(" ")
        if not name:
            return None
        return f"get_ipython().run_cell_magic({name!r}, {line.strip()!r}, {body!r})\n"

    # -- line transforms ---------------------------------------------------------
    def transform_line(self, line: str) -> str | None:
        """The Python for one logical-line start, or ``None`` to keep it as is."""
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return None
        lead = leading_indent(line)
        if stripped.startswith("!!"):
            return f"{lead}get_ipython().getoutput({stripped[2:].strip()!r})"
        if stripped.startswith("!"):
            return f"{lead}get_ipython().system({stripped[1:].strip()!r})"
        m = _HELP_START.match(line) or _HELP_END.match(line)
        if m and (m.group("q") or "").startswith("?"):
            magic = "pinfo2" if m.group("q") == "??" else "pinfo"
            return f"{lead}get_ipython().run_line_magic({magic!r}, {m.group('obj')!r})"
        if stripped.startswith("%%"):
            name = stripped[2:].split(" ", 1)[0]
            return f"{lead}get_ipython().run_line_magic('_cell_magic_misplaced', {name!r})"
        m = _MAGIC.match(line)
        if m:
            return f"{lead}get_ipython().run_line_magic({m.group('name')!r}, {m.group('args').rstrip()!r})"
        m = _ASSIGN_SYS.match(line)
        if m and "==" not in m.group("lhs"):
            return f"{lead}{m.group('lhs')} = get_ipython().getoutput({m.group('cmd').strip()!r})"
        m = _ASSIGN_MAGIC.match(line)
        if m:
            return (
                f"{lead}{m.group('lhs')} = get_ipython().run_line_magic("
                f"{m.group('name')!r}, {m.group('args').rstrip()!r})"
            )
        m = _AUTOMAGIC.match(line)
        if m and self._automagic_applies(m.group("name"), m.group("rest")):
            return f"{lead}get_ipython().run_line_magic({m.group('name')!r}, {m.group('rest').strip()!r})"
        return None

    def _automagic_applies(self, name: str, rest: str) -> bool:
        rest = rest.strip()
        if rest.startswith(_OPERATORS) and not rest.startswith(("..", "./")):
            return False
        if rest and rest[0] in "+-*/%&|^<>!" and len(rest) > 1 and rest[1] in "= ":
            return False
        return self.is_automagic(name)

    @staticmethod
    def _candidate(line: str) -> bool:
        s = line.strip()
        if not s:
            return False
        if s[0] in "%!?" or s.endswith("?"):
            return True
        if "=" in s and ("!" in s or "%" in s):
            return True
        return bool(_AUTOMAGIC.match(line))

    def transform_cell(self, cell: str) -> str:
        """The plain-Python source for ``cell`` (ends with a newline)."""
        cell = self.strip_prompts(cell)
        magic = self.cell_magic(cell)
        if magic is not None:
            return magic
        name = cell.strip()
        if name.isidentifier() and self.is_macro(name):
            return f"get_ipython().run_cell({name}.value, store_history=False);\n"
        out: list[str] = []
        for line in cell.splitlines():
            new = self.transform_line(line) if self._candidate(line) else None
            if new is not None and _statement_start("\n".join(out) + "\n"):
                out.append(new)
            else:
                out.append(line)
        return "\n".join(out) + "\n"

    # -- completeness ------------------------------------------------------------
    def check_complete(self, cell: str) -> tuple[str, str | None]:
        """``("complete"|"incomplete"|"invalid", indent)`` as the kernel protocol wants.

        A block (``for``, ``def``...) stays incomplete until a blank line, as in
        IPython's terminal; ``indent`` is the indentation for the next line.
        """
        if not cell.strip():
            return "complete", None
        if cell.lstrip().startswith("%%"):
            body_done = "\n" in cell and not cell.rsplit("\n", 1)[1].strip()
            return ("complete", None) if body_done else ("incomplete", "")
        try:
            source = self.transform_cell(cell)
        except Exception:
            return "invalid", None
        lines = cell.rstrip("\n").split("\n")
        last = lines[-1]
        ends_blank = cell.endswith("\n") or not last.strip()
        if source.rstrip("\n").endswith("\\"):
            return "incomplete", leading_indent(last)
        try:
            for _ in tokenize.generate_tokens(io.StringIO(source).readline):
                pass
        except tokenize.TokenError:
            return "incomplete", leading_indent(last)
        except (SyntaxError, ValueError):
            return "invalid", None
        code_last = last.split("#", 1)[0].rstrip()
        if code_last.endswith(":") and not ends_blank:
            return "incomplete", leading_indent(last) + "    "
        import ast

        try:
            compile(source, "<check>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except SyntaxError as e:
            return _truncated(e, source, last, code_last, ends_blank)
        except (ValueError, OverflowError):
            return "invalid", None
        if leading_indent(last) and not ends_blank:
            indent = leading_indent(last)
            if code_last.strip().split(" ", 1)[0] in _DEDENT_WORDS:
                indent = indent[:-4] if len(indent) >= 4 else ""
            return "incomplete", indent
        return "complete", None


def _dedent(indent: str) -> str:
    return indent[:-4] if len(indent) >= 4 else ""


def _truncated(
    error: SyntaxError, source: str, last: str, code_last: str, ends_blank: bool
) -> tuple[str, str | None]:
    """Tell a cell that is merely unfinished from one that is wrong.

    ``try:`` without its ``except`` yet, a decorator waiting for its ``def``,
    an ``else:`` waiting for its block: Python reports these as syntax errors
    at the end of the input, but the user is still typing.
    """
    message = error.msg or ""
    indent = leading_indent(last)
    at_end = (error.lineno or 0) >= len(source.rstrip("\n").split("\n"))
    if code_last.lstrip().startswith("@"):
        return "incomplete", indent
    if message.startswith("expected an indented block"):
        return "incomplete", indent + "    "
    if message == "expected 'except' or 'finally' block" and at_end:
        return "incomplete", _dedent(indent) if ends_blank else indent
    return "invalid", None
