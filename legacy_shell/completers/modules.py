"""Module-name completion for ``import x``, ``from x import y`` and ``%load_ext x``.

Top-level names come from ``pkgutil.iter_modules`` over ``sys.path`` without
importing anything, and the list is cached for the process (keyed by
``sys.path``, so adding a directory refreshes it): scanning a large
site-packages takes a noticeable fraction of a second, once. Submodules and the
names after ``import`` need the parent package, which is imported as IPython
does; a package that fails to import simply offers nothing.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from typing import Any

from .base import Completion, Context, classify, is_private

__all__ = ["import_completions", "module_names", "top_level_modules"]

_IMPORT = re.compile(r"^\s*import\s+(?P<names>[\w.,\s]*)$")
_FROM = re.compile(r"^\s*from\s+(?P<module>[\w.]*)$")
_FROM_IMPORT = re.compile(r"^\s*from\s+(?P<module>[\w.]+)\s+import\s+\(?(?P<names>[\w,\s]*)$")


@functools.lru_cache(maxsize=2)
def _scan(path: tuple[str, ...]) -> tuple[str, ...]:
    import pkgutil

    names = set(sys.builtin_module_names)
    names.update(m.name for m in pkgutil.iter_modules(list(path)))
    return tuple(sorted(n for n in names if n.isidentifier()))


def top_level_modules() -> tuple[str, ...]:
    """Importable top-level module names (cached per process and ``sys.path``)."""
    return _scan(tuple(p for p in sys.path if isinstance(p, str)))


def _import(name: str) -> Any:
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)
    except (Exception, SystemExit):
        return None


def _submodules(package: str) -> list[str]:
    import pkgutil

    module = _import(package)
    paths = getattr(module, "__path__", None)
    if module is None or paths is None:
        return []
    try:
        return [m.name for m in pkgutil.iter_modules(list(paths))]
    except Exception:
        return []


def module_names(dotted: str) -> list[str]:
    """Full dotted module names that extend ``dotted`` (``os.pa`` -> ``os.path``)."""
    parent, dot, partial = dotted.rpartition(".")
    if not dot:
        return [n for n in top_level_modules() if n.startswith(partial)]
    names = set(_submodules(parent))
    module = sys.modules.get(parent)
    if module is not None:  # submodules bound as attributes (os.path)
        names.update(n for n, v in vars(module).items() if classify(v) == "module")
    show_private = partial.startswith("_")
    return sorted(
        f"{parent}.{n}"
        for n in names
        if n.startswith(partial) and (show_private or not is_private(n))
    )


def _attribute_names(module_name: str, partial: str) -> list[tuple[str, str]]:
    module = _import(module_name)
    if module is None:
        return []
    exported = getattr(module, "__all__", None)
    names = (
        list(exported)
        if isinstance(exported, list | tuple)
        else [n for n in vars(module) if not is_private(n)]
    )
    if partial.startswith("_"):
        names = list(vars(module))
    found = {n: classify(getattr(module, n, None)) for n in names if n.startswith(partial)}
    for sub in _submodules(module_name):
        if sub.startswith(partial) and (partial.startswith("_") or not is_private(sub)):
            found.setdefault(sub, "module")
    return sorted(found.items())


def import_completions(ctx: Context) -> list[Completion] | None:
    """Completions for an ``import`` or ``from`` statement, ``None`` if not one."""
    line = ctx.line
    m = _IMPORT.match(line) or _FROM.match(line)
    if m is not None:
        typed = re.split(r"[,\s]+", m.group(m.lastgroup or "names"))[-1]
        start = ctx.cursor - len(typed)
        names = module_names(typed) if not typed.startswith(".") else []
        return [Completion(start, ctx.cursor, n, "module") for n in names]
    m = _FROM_IMPORT.match(line)
    if m is not None:
        partial = re.split(r"[,\s]+", m.group("names"))[-1]
        start = ctx.cursor - len(partial)
        return [
            Completion(start, ctx.cursor, name, kind)
            for name, kind in _attribute_names(m.group("module"), partial)
        ]
    return None
