"""The ``autoreload`` extension: reload changed modules before each cell runs.

``%load_ext autoreload`` then ``%autoreload 2`` gives the workflow IPython users
rely on: edit a module in an editor, run the next cell, and the new code is
used, also through names imported earlier with ``from mod import f`` and by
instances created before the edit. Reloading cannot rebind every reference to a
module's objects, so the old function and class objects are upgraded in place
instead: functions get the new ``__code__``, defaults and closure; classes get
the new class dict and their instances are moved to the new class.

Modes (``%autoreload MODE``): ``0``/``off``; ``1``/``explicit`` (only modules
named with ``%aimport``); ``2``/``all`` (every changed module except those
excluded with ``%aimport -mod``); ``3``/``complete`` (as 2, and names new in
the module also reach the user namespace when it imported from the module).
The shell's own modules (``legacy_shell.*``) are never reloaded under it.
"""

from __future__ import annotations

import os
import sys
import traceback
import types
import weakref
from collections.abc import Callable
from importlib import import_module, reload
from typing import Any

from ..api import ShellAPI
from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = [
    "AutoreloadMagics",
    "ModuleReloader",
    "load_ipython_extension",
    "superreload",
    "unload_ipython_extension",
]

_FUNC_ATTRS = ("__code__", "__defaults__", "__kwdefaults__", "__doc__", "__closure__",
               "__globals__", "__dict__", "__annotations__")  # fmt: skip
_MODES = {"0": "off", "off": "off", "1": "explicit", "explicit": "explicit",
          "2": "all", "all": "all", "3": "complete", "complete": "complete"}  # fmt: skip
OldObjects = dict[tuple[str, str], list["weakref.ref[Any]"]]


def update_function(old: types.FunctionType, new: types.FunctionType) -> None:
    """Make ``old`` run ``new``'s code (closures of another shape are left alone)."""
    for name in _FUNC_ATTRS:
        try:
            setattr(old, name, getattr(new, name))
        except (AttributeError, TypeError, ValueError):
            pass


def update_class(old: type, new: type) -> None:
    """Give ``old`` the attributes of ``new`` and move ``old``'s instances to ``new``."""
    import gc

    for key in list(old.__dict__):
        old_obj = getattr(old, key)
        try:
            new_obj = getattr(new, key)
        except AttributeError:
            try:
                delattr(old, key)  # removed from the class in the new code
            except (AttributeError, TypeError):
                pass
            continue
        try:
            if (old_obj == new_obj) is True:
                continue
        except Exception:  # objects whose == raises or is not a bool (arrays)
            pass
        if not update_generic(old_obj, new_obj):
            try:
                setattr(old, key, new_obj)
            except (AttributeError, TypeError):
                pass
    for key in list(new.__dict__):
        if key not in old.__dict__:
            try:
                setattr(old, key, getattr(new, key))
            except (AttributeError, TypeError):
                pass
    for ref in gc.get_referrers(old):
        if type(ref) is old:
            try:
                object.__setattr__(ref, "__class__", new)
            except TypeError:
                pass


def update_generic(old: Any, new: Any) -> bool:
    """Upgrade ``old`` in place from ``new`` if both are of a kind we know; True if done."""
    if isinstance(old, type) and isinstance(new, type):
        update_class(old, new)
    elif isinstance(old, types.FunctionType) and isinstance(new, types.FunctionType):
        update_function(old, new)
    elif isinstance(old, types.MethodType) and isinstance(new, types.MethodType):
        update_generic(old.__func__, new.__func__)
    elif isinstance(old, property) and isinstance(new, property):
        for part in ("fget", "fset", "fdel"):
            update_generic(getattr(old, part), getattr(new, part))
    else:
        return False
    return True


def superreload(module: types.ModuleType, old_objects: OldObjects | None = None) -> dict[str, Any]:
    """Reload ``module`` and upgrade the objects it defined before in place.

    Returns the names that are new in the module (for mode ``complete``). On
    failure the module keeps its old namespace and the error propagates.
    """
    old_objects = {} if old_objects is None else old_objects
    name = module.__name__
    for attr, obj in list(module.__dict__.items()):
        if getattr(obj, "__module__", None) == name:
            try:
                old_objects.setdefault((name, attr), []).append(weakref.ref(obj))
            except TypeError:
                pass
    old_dict = module.__dict__.copy()
    module.__dict__.clear()  # so that names deleted from the source really disappear
    module.__dict__.update(
        __name__=name, __loader__=old_dict.get("__loader__"), __spec__=old_dict.get("__spec__")
    )
    try:
        module = reload(module)
    except BaseException:
        module.__dict__.clear()
        module.__dict__.update(old_dict)
        raise
    added = {}
    for attr, new_obj in list(module.__dict__.items()):
        if attr not in old_dict and getattr(new_obj, "__module__", None) == name:
            added[attr] = new_obj
        refs = old_objects.get((name, attr))
        if not refs:
            continue
        alive = [ref for ref in refs if ref() is not None]
        for ref in alive:
            if ref() is not new_obj:
                update_generic(ref(), new_obj)
        if alive:
            old_objects[(name, attr)] = alive
        else:
            del old_objects[(name, attr)]
    return added


def source_and_mtime(module: Any) -> tuple[str | None, float | None]:
    """The ``.py`` file of ``module`` and its modification time, or ``(None, None)``."""
    filename = getattr(module, "__file__", None)
    name = getattr(module, "__name__", None)
    if not filename or name in (None, "__main__", "__mp_main__") or name.startswith("legacy_shell"):
        return None, None
    if not filename.endswith(".py"):
        if not filename.endswith(".pyc"):
            return None, None
        from importlib.util import source_from_cache

        try:
            filename = source_from_cache(filename)
        except ValueError:
            return None, None
    try:
        return filename, os.stat(filename).st_mtime
    except OSError:
        return None, None


class ModuleReloader:
    """Which modules to watch, their last seen mtimes, and the reloading itself."""

    def __init__(self, report: Callable[[str], None] | None = None) -> None:
        self.mode = "off"
        self.modules: set[str] = set()  # %aimport mod
        self.skip_modules: set[str] = set()  # %aimport -mod
        self.mtimes: dict[str, float] = {}
        self.failed: dict[str, float] = {}  # file -> mtime whose reload failed
        self.old_objects: OldObjects = {}
        self.report: Callable[[str], None] = report or (lambda msg: None)
        self.hide_errors = False
        self.check(check_all=True, do_reload=False)

    def mark_reloadable(self, name: str) -> None:
        self.skip_modules.discard(name)
        self.modules.add(name)

    def mark_skipped(self, name: str) -> None:
        self.modules.discard(name)
        self.skip_modules.add(name)

    def record_mtimes(self, names: set[str]) -> None:
        """Remember the current mtime of freshly imported modules (no reload)."""
        for name in names:
            _, mtime = source_and_mtime(sys.modules.get(name))
            if mtime is not None:
                self.mtimes[name] = mtime

    def check(self, check_all: bool = False, do_reload: bool = True) -> dict[str, dict[str, Any]]:
        """Reload the watched modules whose file changed; returns new names per module."""
        added: dict[str, dict[str, Any]] = {}
        if self.mode == "off" and not check_all:
            return added
        watch_all = check_all or self.mode in ("all", "complete")
        for name in list(sys.modules) if watch_all else sorted(self.modules):
            if name in self.skip_modules:
                continue
            module = sys.modules.get(name)
            filename, mtime = source_and_mtime(module)
            if filename is None or mtime is None or module is None:
                continue
            known = self.mtimes.get(name)
            self.mtimes[name] = mtime
            if (
                known is None
                or mtime <= known
                or self.failed.get(filename) == mtime
                or not do_reload
            ):
                continue
            self.report(f"Reloading '{name}'.")
            try:
                added[name] = superreload(module, self.old_objects)
                self.failed.pop(filename, None)
            except Exception:
                self.failed[filename] = mtime
                if not self.hide_errors:
                    print(
                        f"[autoreload of {name} failed: {traceback.format_exc(limit=10)}]",
                        file=sys.stderr,
                    )
        return added


@magics_class
class AutoreloadMagics(Magics):
    """``%autoreload`` and ``%aimport``, plus the event callbacks that do the work."""

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        self.reloader = ModuleReloader()
        self.loaded_modules = set(sys.modules)
        self.imported_from: dict[str, set[str]] = {}  # module -> names the user imported ("*")

    @line_magic
    def autoreload(self, line: str = "") -> None:
        """Reload modules automatically before running code.

        %autoreload [now]        reload every changed module now
        %autoreload 0 | off      disable automatic reloading
        %autoreload 1 | explicit reload only the modules named with %aimport
        %autoreload 2 | all      reload every changed module (except %aimport -mod ones)
        %autoreload 3 | complete as 2, and new names also reach the user namespace

        -p/--print shows each reload; --hide-errors hides reload failures.
        """
        words = line.split()
        flags = {w for w in words if w.startswith("-") and not w[1:].isdigit()}
        modes = [w for w in words if w not in flags]
        unknown = flags - {"-p", "--print", "-l", "--log", "--hide-errors", "--full"}
        if unknown or len(modes) > 1:
            raise UsageError(
                f"%autoreload: unrecognized arguments: {' '.join(sorted(unknown) or modes[1:])}"
            )
        self.reloader.report = print if flags & {"-p", "--print"} else (lambda msg: None)
        self.reloader.hide_errors = "--hide-errors" in flags
        mode = (modes[0] if modes else "now").lower().rstrip("-") or "now"
        if mode == "now":
            self._push_added(self.reloader.check(check_all=True))
        elif mode in _MODES:
            self.reloader.mode = _MODES[mode]
        else:
            raise UsageError(f'Unrecognized autoreload mode "{mode}".')

    @line_magic
    def aimport(self, line: str = "") -> None:
        """Mark modules for (or against) automatic reloading.

        %aimport           list the modules to reload and to skip
        %aimport foo, bar  import foo and bar and reload them (mode 1 / explicit)
        %aimport -foo      never reload foo
        """
        reloader = self.reloader
        if not line.strip():
            listed = (
                "all-except-skipped"
                if reloader.mode in ("all", "complete")
                else " ".join(sorted(reloader.modules))
            )
            print(
                f"Modules to reload:\n{listed}\n\nModules to skip:\n{' '.join(sorted(reloader.skip_modules))}"
            )
            return
        for item in (part.strip() for part in line.split(",")):
            if item.startswith("-"):
                reloader.mark_skipped(item[1:].strip())
                continue
            name, _, alias = (p.strip() for p in item.partition(" as "))
            reloader.mark_reloadable(name)
            import_module(name)
            top = name.split(".")[0]
            self.shell.push({alias or top: sys.modules[name] if alias else sys.modules[top]})

    def pre_run_cell(self, info: Any = None) -> None:
        if self.reloader.mode != "off":
            try:
                self._push_added(self.reloader.check())
            except Exception:
                traceback.print_exc()  # never stop the user's cell

    def post_execute(self) -> None:
        """Remember the mtimes of modules the cell imported, so edits after it are seen."""
        new = set(sys.modules) - self.loaded_modules
        self.reloader.record_mtimes(new)
        self.loaded_modules |= new

    def post_run_cell(self, result: Any) -> None:
        """In mode ``complete``, note ``from mod import ...`` statements that ran."""
        if self.reloader.mode != "complete" or not getattr(result, "success", False):
            return
        import ast

        try:
            tree = ast.parse(self.shell.transform_cell(result.info.raw_cell))
        except (SyntaxError, ValueError, AttributeError):
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                self.imported_from.setdefault(node.module, set()).update(a.name for a in node.names)

    def _push_added(self, added: dict[str, dict[str, Any]]) -> None:
        if self.reloader.mode != "complete":
            return
        for module, objects in added.items():
            names = self.imported_from.get(module)
            chosen = {
                k: v for k, v in objects.items() if names is None or "*" in names or k in names
            }
            if chosen:
                self.shell.push(chosen, interactive=False)

    def callbacks(self) -> list[tuple[str, Callable[..., Any]]]:
        return [("pre_run_cell", self.pre_run_cell), ("post_execute", self.post_execute),
                ("post_run_cell", self.post_run_cell)]  # fmt: skip


def load_ipython_extension(shell: ShellAPI) -> None:
    """Register ``%autoreload``/``%aimport`` and the reload-before-each-cell callback."""
    magics = AutoreloadMagics(shell)
    shell.register_magics(magics)
    for event, callback in magics.callbacks():
        shell.events.register(event, callback)


def unload_ipython_extension(shell: Any) -> None:  # the real shell: it unregisters magics
    """Stop reloading and remove the magics."""
    magics = shell.magics_manager.registry.pop(AutoreloadMagics.__name__, None)
    if magics is None:
        return
    for event, callback in magics.callbacks():
        try:
            shell.events.unregister(event, callback)
        except ValueError:
            pass
    for name in ("autoreload", "aimport"):
        shell.magics_manager.unregister(name, "line")
