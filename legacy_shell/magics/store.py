"""``%store``: keep variables on disk between sessions, and bring them back.

Values are pickled into one file per name in the shell's data directory
(``ShellPaths.store_dir``), as IPython's ``%store`` does in its profile: the
files are the user's own, written and read on the machine where the shell
runs (in two-process mode, the kernel's). Nothing that arrives over a socket
is ever unpickled.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["StoreMagics", "VariableStore"]


class VariableStore:
    """A directory of pickled values, one file per variable name."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        if not name.isidentifier():
            raise UsageError(f"{name!r} is not a variable name")
        return self.root / name

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file() and p.name.isidentifier())

    def save(self, name: str, value: Any) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        tmp = self._path(name).with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self._path(name))

    def load(self, name: str) -> Any:
        path = self._path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyError(name) from None
        return pickle.loads(data)  # the user's own file on this machine

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            raise KeyError(name) from None


@magics_class
class StoreMagics(Magics):
    """``%store``."""

    @property
    def variables(self) -> VariableStore:
        return VariableStore(self.shell.paths.store_dir)

    def _restore(self, names: list[str]) -> None:
        store = self.variables
        for name in names or store.names():
            try:
                value = store.load(name)
            except KeyError:
                print(f"no stored variable or alias {name}")
                continue
            except Exception as e:  # a class that no longer exists, a damaged file...
                print(f"Unable to restore variable '{name}', ignoring (use %store -d to forget it)")
                print(f"  {type(e).__name__}: {e}")
                continue
            self.shell.user_ns[name] = value
            print(f"Restored '{name}' ({type(value).__name__})")

    def _list(self) -> None:
        store = self.variables
        names = store.names()
        if not names:
            print("Stored variables and their in-db values:")
            return
        width = max(len(n) for n in names)
        print("Stored variables and their in-db values:")
        for name in names:
            try:
                text = repr(store.load(name))
            except Exception as e:
                text = f"<unreadable: {type(e).__name__}>"
            print(f"{name:<{width}} -> {text[:50]}")

    @line_magic
    def store(self, parameter_s: str = "") -> None:
        """Keep variables between sessions: ``%store [-r|-d|-z] [NAME ...]``.

        ``%store x y`` keeps x and y; ``%store`` lists what is kept;
        ``%store -r`` brings everything back (``%store -r x`` only x);
        ``%store -d x`` forgets x; ``%store -z`` forgets everything;
        ``%store x > file`` writes ``str(x)`` to a file (``>>`` appends).
        """
        opts, argstr = self.parse_options(parameter_s, "drz", mode="string")
        args = argstr.split()
        store = self.variables
        if "d" in opts:
            if not args:
                raise UsageError("You must provide the variable to forget")
            for name in args:
                try:
                    store.delete(name)
                except KeyError:
                    raise UsageError(f"Can't delete variable '{name}'") from None
            return
        if "z" in opts:
            for name in store.names():
                store.delete(name)
            return
        if "r" in opts:
            self._restore(args)
            return
        if not args:
            self._list()
            return
        if len(args) > 1 and args[1].startswith(">"):
            self._to_file(argstr)
            return
        for name in args:
            try:
                value = self.shell.user_ns[name]
            except KeyError:
                raise UsageError(f"Unknown variable '{name}'") from None
            try:
                store.save(name, value)
            except Exception as e:  # modules, open files, lambdas...
                raise UsageError(
                    f"Error storing '{name}': {type(value).__name__} cannot be pickled ({e})"
                ) from None
            print(f"Stored '{name}' ({type(value).__name__})")

    def _to_file(self, argstr: str) -> None:
        name, _, target = argstr.partition(">")
        append = target.startswith(">")
        path = os.path.expanduser(target.lstrip(">").strip())
        name = name.strip()
        if not path:
            raise UsageError("Usage: %store NAME > FILE (or >> FILE)")
        try:
            value = self.shell.user_ns[name]
        except KeyError:
            raise UsageError(f"Unknown variable '{name}'") from None
        text = value if isinstance(value, str) else str(value)
        with open(path, "a" if append else "w", encoding="utf-8") as f:
            f.write(text if text.endswith("\n") else text + "\n")
        print(f"Writing '{name}' ({type(value).__name__}) to file '{path}'.")
