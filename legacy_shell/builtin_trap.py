"""Names the shell lends to ``builtins`` while it runs code.

``get_ipython``, ``display``, ``__IPYTHON__`` (the legacy wrapper, truthy, so old
"am I in the shell" checks work) and ``ipmagic`` are visible to every module
user code calls into, and removed again afterwards, so that the process looks
untouched between cells (what tests and embedders need).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["BuiltinTrap"]


class BuiltinTrap:
    """A re-entrant context manager that installs ``names()`` into ``builtins``."""

    def __init__(self, names: Callable[[], dict[str, Any]]) -> None:
        self._names = names
        self._depth = 0

    @contextmanager
    def __call__(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        added = self._names()
        saved = {k: builtins.__dict__[k] for k in added if k in builtins.__dict__}
        builtins.__dict__.update(added)
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            for key in added:
                if key in saved:
                    builtins.__dict__[key] = saved[key]
                else:
                    builtins.__dict__.pop(key, None)
