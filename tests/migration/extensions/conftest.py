"""Loading the example extensions in the shell's process, with their DeprecationWarnings.

The same tests run on the legacy originals (which must warn: the legacy API
does) and, from ``tests/migration/test_extensions.py``, on copies ported by
``shell-migrate codemod --write``; there ``MIGRATION_WARNINGS_LOG`` names a
file where each test's warnings go, for that test to compare with the audit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

EXT_DIR = Path(__file__).resolve().parent

_INSTALL = """\
import builtins as _b, sys as _s, warnings as _w
_s.path.insert(0, {ext_dir!r})
_log = []
_saved = (_w.showwarning, _w.filters[:])
def _record(message, category, filename, lineno, file=None, line=None, _log=_log):
    _log.append([category.__name__, filename, lineno, str(message)])
_w.showwarning = _record
_w.simplefilter("always", DeprecationWarning)
_b._migration_warning_state = (_log, _saved)
del _b, _s, _w, _log, _saved, _record
"""

_COLLECT = """\
import builtins as _b, sys as _s, warnings as _w
_log, _saved = _b.__dict__.pop("_migration_warning_state")
_w.showwarning, _w.filters[:] = _saved
_migration_log = [list(r) for r in _log]
_s.path.remove({ext_dir!r})
for _name in {modules!r}:
    _s.modules.pop(_name, None)
del _b, _s, _w, _log, _saved
"""


class Extensions:
    """``load(name)`` an extension of this directory; its warnings, after the test."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.loaded: list[str] = []
        self.log: list[list[Any]] = []

    def load(self, name: str) -> None:
        self.shell.run_line_magic("load_ext", name)
        self.loaded.append(name)

    def collect(self) -> None:
        cell = _COLLECT.format(ext_dir=str(EXT_DIR), modules=self.loaded)
        self.shell.run_cell(cell, silent=True).raise_error()
        self.log = list(self.shell.user_ns.pop("_migration_log"))

    def deprecations(self) -> list[tuple[str, int, str]]:
        return [
            (Path(filename).name, lineno, message)
            for category, filename, lineno, message in self.log
            if category == "DeprecationWarning" and Path(filename).parent == EXT_DIR
        ]


def _code(path: Path) -> str:
    """The module's text after its docstring."""
    return path.read_text().split('"""', 2)[-1]


@pytest.fixture
def ext(shell: Any, request: pytest.FixtureRequest) -> Any:
    shell.run_cell(_INSTALL.format(ext_dir=str(EXT_DIR)), silent=True).raise_error()
    extensions = Extensions(shell)
    yield extensions
    extensions.collect()
    log_file = os.environ.get("MIGRATION_WARNINGS_LOG")
    if log_file:  # ported copies: the outer test compares with the audit
        with open(log_file, "a", encoding="utf-8") as out:
            for name in extensions.loaded:
                record = {"extension": name, "test": request.node.nodeid,
                          "deprecations": extensions.deprecations()}  # fmt: skip
                out.write(json.dumps(record) + "\n")
    else:  # the legacy originals: the legacy API warns, at the calls that use it
        uses_legacy_api = [n for n in extensions.loaded if "ipapi" in _code(EXT_DIR / f"{n}.py")]
        if uses_legacy_api:
            assert extensions.deprecations(), f"{uses_legacy_api} should warn (legacy API)"
