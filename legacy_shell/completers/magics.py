"""Magic completion: ``%name`` / ``%%name`` and the arguments of well-known magics.

Argument completers are chosen by magic name (``%cd`` directories, ``%run``
scripts, ``%load_ext`` modules, ``%config`` keys); other magics get no special
treatment here, so their arguments are completed as Python by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .base import Completion, Context
from .modules import module_names
from .paths import dirs_only, path_completions, script_filter

__all__ = ["magic_argument_completions", "magic_name_completions"]

_MAGIC_NAME = re.compile(r"^\s*(?P<esc>%{1,2})(?P<name>\w*)$")
_MAGIC_ARGS = re.compile(r"^\s*(?P<esc>%?)(?P<name>\w+)\s+(?P<args>.*)$")


def magic_name_completions(ctx: Context) -> list[Completion] | None:
    """``%ti`` -> ``%time``, ``%timeit``, ``%%timeit``; ``%%ti`` -> cell magics only."""
    m = _MAGIC_NAME.match(ctx.line)
    if m is None:
        return None
    esc, prefix = m.group("esc"), m.group("name")
    start = ctx.line_start + m.start("esc")
    results = []
    if esc == "%":
        results += [
            Completion(start, ctx.cursor, f"%{n}", "magic")
            for n in sorted(ctx.magics.get("line", {}))
            if n.startswith(prefix)
        ]
    first_line = ctx.line_start == 0 or not ctx.code[: ctx.line_start].strip()
    if first_line:
        results += [
            Completion(start, ctx.cursor, f"%%{n}", "magic")
            for n in sorted(ctx.magics.get("cell", {}))
            if n.startswith(prefix)
        ]
    return results


def _last_word(args: str) -> str:
    """The word being typed (backslash-escaped spaces belong to it)."""
    m = re.search(r"(?:\\ |[^\s])*$", args)
    return m.group() if m else ""


def _modules(ctx: Context, word: str, start: int) -> list[Completion]:
    return [Completion(start, ctx.cursor, n, "module") for n in module_names(word)]


def _bundled_and_modules(ctx: Context, word: str, start: int) -> list[Completion]:
    """Module names, and the extensions bundled with the shell (``autoreload``)."""
    from ..extmanager import bundled_extensions

    bundled = [
        Completion(start, ctx.cursor, n, "module")
        for n in bundled_extensions()
        if n.startswith(word)
    ]
    return bundled + [
        c for c in _modules(ctx, word, start) if c.text not in {b.text for b in bundled}
    ]


def _choices(*options: str) -> Callable[[Context, str, int], list[Completion]]:
    def complete(ctx: Context, word: str, start: int) -> list[Completion]:
        return [Completion(start, ctx.cursor, o, "keyword") for o in options if o.startswith(word)]

    return complete


def _config_keys(ctx: Context, word: str, start: int) -> list[Completion]:
    return [
        Completion(start, ctx.cursor, k, "instance") for k in ctx.config_keys if k.startswith(word)
    ]


def _paths(files: Callable[[str], bool] | None) -> Callable[[Context, str, int], list[Completion]]:
    def complete(ctx: Context, word: str, start: int) -> list[Completion]:
        return path_completions(word.replace("\\ ", " "), start, ctx.cursor, files)

    return complete


_ARGUMENTS: dict[str, Callable[[Context, str, int], list[Completion]]] = {
    "cd": _paths(dirs_only),
    "run": _paths(script_filter),
    "load_ext": _bundled_and_modules,
    "reload_ext": _bundled_and_modules,
    "unload_ext": _bundled_and_modules,
    "config": _config_keys,
    "xmode": _choices("Plain", "Context", "Verbose", "Minimal"),
    "pdb": _choices("on", "off"),
    "automagic": _choices("on", "off"),
    "autoreload": _choices("now", "off", "explicit", "all", "complete"),
}


def magic_argument_completions(ctx: Context) -> list[Completion] | None:
    """Arguments of a magic that has an argument completer, else ``None``."""
    m = _MAGIC_ARGS.match(ctx.line)
    if m is None:
        return None
    name = m.group("name")
    if name not in ctx.magics.get("line", {}) or name not in _ARGUMENTS:
        return None
    if not m.group("esc") and (not ctx.automagic or name in ctx.namespace):
        return None
    word = _last_word(m.group("args"))
    if word.startswith("-") and name != "cd":
        return []
    return _ARGUMENTS[name](ctx, word, ctx.cursor - len(word))
