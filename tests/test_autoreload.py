"""The autoreload extension: edited modules are reloaded and old objects upgraded in place."""

from __future__ import annotations

import importlib
import itertools
import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from shellside import in_shell

from legacy_shell.extensions.autoreload import ModuleReloader, superreload

_names = itertools.count()

V1 = """
def f():
    return 1

def g(x=10):
    return x

class C:
    def method(self):
        return "old"

    @property
    def prop(self):
        return "old prop"
"""

V2 = """
def f():
    return 2

def g(x=20):
    return x + 1

class C:
    def method(self):
        return "new"

    def added(self):
        return "added"

    @property
    def prop(self):
        return "new prop"

def brand_new():
    return "brand new"
"""


class Module:
    """A module file on sys.path that a test edits; each edit moves its mtime forward."""

    def __init__(self, directory: Path) -> None:
        self.name = f"ar_mod_{os.getpid()}_{next(_names)}"
        self.path = directory / f"{self.name}.py"
        self._tick = 0

    def write(self, source: str) -> None:
        self.path.write_text(textwrap.dedent(source))
        self._tick += 10  # explicit mtime bump instead of waiting for the clock
        stamp = os.stat(self.path).st_mtime + self._tick
        os.utime(self.path, (stamp, stamp))
        importlib.invalidate_caches()


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Module]:
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = Module(tmp_path)
    mod.write(V1)
    yield mod
    sys.modules.pop(mod.name, None)


def import_module(mod: Module) -> Any:
    return importlib.import_module(mod.name)


# -- the reloading machinery ------------------------------------------------------


def test_superreload_upgrades_old_functions_classes_and_instances(module: Module) -> None:
    m = import_module(module)
    f, g, C = m.f, m.g, m.C
    c = C()
    module.write(V2)
    added = superreload(m)
    assert f() == 2 and g() == 21  # code and defaults of the old function objects
    assert c.method() == "new" and c.added() == "added" and c.prop == "new prop"
    assert isinstance(c, m.C)  # old instances belong to the new class
    assert set(added) == {"brand_new"}


def test_superreload_drops_names_removed_from_the_source(module: Module) -> None:
    m = import_module(module)
    module.write("def f():\n    return 3\n")
    superreload(m)
    assert m.f() == 3 and not hasattr(m, "g")


def test_reloader_reloads_only_changed_modules_in_mode_all(module: Module) -> None:
    m = import_module(module)
    reloader = ModuleReloader()
    reloader.record_mtimes({module.name})
    reloader.mode = "all"
    f = m.f
    reloader.check()
    assert f() == 1
    module.write(V2)
    reloaded: list[str] = []
    reloader.report = reloaded.append
    reloader.check()
    assert f() == 2 and reloaded == [f"Reloading '{module.name}'."]
    reloader.check()
    assert len(reloaded) == 1  # unchanged since: not reloaded again


def test_explicit_mode_and_skipped_modules(module: Module) -> None:
    m = import_module(module)
    reloader = ModuleReloader()
    reloader.record_mtimes({module.name})
    reloader.mode = "explicit"
    module.write(V2)
    reloader.check()
    assert m.f() == 1  # not marked with %aimport
    reloader.mark_reloadable(module.name)
    module.write(V2 + "\n")
    reloader.check()
    assert m.f() == 2
    reloader.mode = "all"
    reloader.mark_skipped(module.name)
    module.write("def f():\n    return 5\n")
    reloader.check()
    assert m.f() == 2


def test_failed_reload_reports_keeps_old_code_and_retries_after_a_fix(
    module: Module, capsys: pytest.CaptureFixture[str]
) -> None:
    m = import_module(module)
    reloader = ModuleReloader()
    reloader.record_mtimes({module.name})
    reloader.mode = "all"
    module.write("def f(:\n")
    reloader.check()
    err = capsys.readouterr().err
    assert err.startswith(f"[autoreload of {module.name} failed:") and "SyntaxError" in err
    assert m.f() == 1
    reloader.check()
    assert capsys.readouterr().err == ""  # the same broken file is not retried every cell
    module.write(V2)
    reloader.check()
    assert m.f() == 2


# -- through the shell ------------------------------------------------------------------


@pytest.fixture
def shell_module(shell: Any, module: Module) -> Iterator[Module]:
    """``module``, importable by the shell too: on ``sys.path`` of the shell's process.

    The shell fixture restores that ``sys.path``; the module leaves its ``sys.modules`` here.
    """
    directory = str(module.path.parent)
    shell.run_cell(f"import sys\nsys.path.insert(0, {directory!r})", silent=True).raise_error()
    yield module
    shell.run_cell(f"import sys\nsys.modules.pop({module.name!r}, None)", silent=True).raise_error()


def run(shell: Any) -> Callable[[str], Any]:
    def run_cell(code: str) -> Any:
        result = shell.run_cell(code, store_history=True)
        assert result.success, result
        return result

    return run_cell


def test_load_ext_autoreload_2_updates_imported_names_and_instances(
    shell: Any, shell_module: Module, capsys: pytest.CaptureFixture[str]
) -> None:
    cell = run(shell)
    cell("%load_ext autoreload")
    cell("%autoreload 2")
    cell(f"from {shell_module.name} import f, C\nobj = C()")
    shell_module.write(V2)
    cell("r = (f(), obj.method(), obj.prop)")
    assert shell.user_ns["r"] == (2, "new", "new prop")
    assert "brand_new" not in shell.user_ns


def test_module_imported_then_edited_before_the_next_cell(shell: Any, shell_module: Module) -> None:
    cell = run(shell)
    cell("%load_ext autoreload")
    cell("%autoreload 2")
    cell(f"import {shell_module.name} as m")  # first seen after the previous check
    shell_module.write(V2)
    cell("r = m.f()")
    assert shell.user_ns["r"] == 2


def test_autoreload_3_adds_new_names(shell: Any, shell_module: Module) -> None:
    cell = run(shell)
    cell("%load_ext autoreload")
    cell("%autoreload complete")
    cell(f"from {shell_module.name} import *")
    shell_module.write(V2)
    cell("r = brand_new()")
    assert shell.user_ns["r"] == "brand new"


def test_off_aimport_and_unload(
    shell: Any, shell_module: Module, capsys: pytest.CaptureFixture[str]
) -> None:
    cell = run(shell)
    cell("%load_ext autoreload")
    cell("%autoreload 1")
    cell(f"%aimport {shell_module.name}")
    assert shell_module.name in shell.user_ns
    cell("%aimport")
    out = capsys.readouterr().out
    assert out == f"Modules to reload:\n{shell_module.name}\n\nModules to skip:\n\n"
    shell_module.write(V2)
    cell(f"r = {shell_module.name}.f()")
    assert shell.user_ns["r"] == 2
    cell("%autoreload off")
    shell_module.write("def f():\n    return 3\n")
    cell(f"r = {shell_module.name}.f()")
    assert shell.user_ns["r"] == 2
    cell("%autoreload")  # "now": reload immediately whatever the mode
    cell(f"r = {shell_module.name}.f()")
    assert shell.user_ns["r"] == 3
    cell("%unload_ext autoreload")
    assert in_shell(shell, "get_ipython().find_line_magic('autoreload')") is None
    assert in_shell(shell, "get_ipython().find_line_magic('aimport')") is None


def test_a_broken_edit_never_stops_the_cell(
    shell: Any, shell_module: Module, capsys: pytest.CaptureFixture[str]
) -> None:
    cell = run(shell)
    cell("%load_ext autoreload")
    cell("%autoreload 2")
    cell(f"from {shell_module.name} import f")
    shell_module.write("raise RuntimeError('boom')\n")
    cell("r = f()")
    assert shell.user_ns["r"] == 1
    err = capsys.readouterr().err
    assert f"[autoreload of {shell_module.name} failed:" in err and "RuntimeError: boom" in err


def test_bad_mode_is_a_usage_error(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("%load_ext autoreload", store_history=True)
    shell.run_cell("%autoreload sometimes", store_history=True)
    captured = capsys.readouterr()
    assert 'UsageError: Unrecognized autoreload mode "sometimes".' in captured.out + captured.err
