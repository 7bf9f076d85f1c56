"""System command aliases: ``%alias name cmd`` makes ``name args`` run ``cmd args``.

An alias is a callable registered as a line magic of the shell, so that with
automagic the user types ``ll /tmp`` and the shell runs ``ls -F -o /tmp`` in
``/bin/sh``. ``%s`` in the command takes one argument each, ``%l`` takes the
whole rest of the line (they are mutually exclusive), as in IPython. The
manager belongs to one shell: it keeps no table of its own, the shell's magics
table is the only record (an entry that is an ``Alias`` is an alias).
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

from .errors import UsageError


class _Registers(Protocol):
    magics: dict[str, dict[str, Any]]

    def register_function(
        self, func: Any, magic_kind: str = "line", magic_name: str | None = None
    ) -> None: ...


class AliasHost(Protocol):
    """What aliases need of the shell: its magics table and a way to run a command."""

    @property
    def magics_manager(self) -> _Registers: ...
    def system(self, cmd: str) -> None: ...


__all__ = ["Alias", "AliasError", "AliasManager", "InvalidAliasError", "default_aliases"]


class AliasError(UsageError):
    """An alias cannot be defined, removed or called as asked."""


class InvalidAliasError(AliasError):
    """The alias' name or command is not acceptable."""


def default_aliases(color: bool = True) -> list[tuple[str, str]]:
    """The aliases a POSIX shell starts with (``ls``, ``ll``, ``cat``, ``mkdir``...)."""
    if sys.platform == "win32":
        return []
    basic = [(name, name) for name in ("mkdir", "rmdir", "mv", "rm", "cp", "cat")]
    if sys.platform.startswith("linux"):
        ls, long = ("ls -F --color", "ls -F -o --color") if color else ("ls -F", "ls -F -o")
    else:
        ls, long = ("ls -F -G", "ls -F -l -G") if color else ("ls -F", "ls -F -l")
    listing = [
        ("ls", ls),
        ("ll", long),
        ("lf", f"{long} %l | grep ^-"),
        ("lk", f"{long} %l | grep ^l"),
        ("ldir", f"{long} %l | grep /$"),
        ("lx", f"{long} %l | grep ^-..x"),
    ]
    return basic + listing


class Alias:
    """One alias: a line magic that runs a system command."""

    #: Names that would break the shell's own directory handling if aliased.
    blacklist = frozenset({"cd", "popd", "pushd", "dhist", "alias", "unalias"})

    def __init__(self, shell: AliasHost, name: str, cmd: str) -> None:
        self.shell = shell
        self.name = name
        self.cmd = cmd
        self.__doc__ = f"Alias for `!{cmd}`"
        self.nargs = self._validate()

    def _validate(self) -> int:
        if not self.name.isidentifier():
            raise InvalidAliasError(
                f"The name {self.name!r} can't be an alias: it must be a valid identifier."
            )
        if self.name in self.blacklist:
            raise InvalidAliasError(
                f"The name {self.name} can't be aliased because it is a keyword or builtin."
            )
        existing = self.shell.magics_manager.magics["line"].get(self.name)
        if existing is not None and not isinstance(existing, Alias):
            raise InvalidAliasError(
                f"The name {self.name} can't be aliased because it is another magic command."
            )
        if not isinstance(self.cmd, str):
            raise InvalidAliasError(f"An alias command must be a string, got: {self.cmd!r}")
        nargs = self.cmd.count("%s") - self.cmd.count("%%s")
        if nargs > 0 and "%l" in self.cmd:
            raise InvalidAliasError(
                "The %s and %l specifiers are mutually exclusive in alias definitions."
            )
        return nargs

    def __repr__(self) -> str:
        return f"<alias {self.name} for {self.cmd!r}>"

    def expand(self, rest: str = "") -> str:
        """The command line this alias runs for the arguments ``rest``."""
        cmd = self.cmd
        if "%l" in cmd:
            cmd, rest = cmd.replace("%l", rest), ""
        if self.nargs == 0:
            cmd = cmd.replace("%%s", "%s")
            return f"{cmd} {rest}".rstrip() if rest else cmd
        args = rest.split(None, self.nargs)
        if len(args) < self.nargs:
            raise AliasError(
                f"Alias <{self.name}> requires {self.nargs} arguments, {len(args)} given."
            )
        head = cmd % tuple(args[: self.nargs])
        tail = " ".join(args[self.nargs :])
        return f"{head} {tail}".rstrip()

    def __call__(self, rest: str = "") -> None:
        self.shell.system(self.expand(rest))


class AliasManager:
    """Defines, lists and removes the aliases of one shell."""

    def __init__(self, shell: AliasHost) -> None:
        self.shell = shell

    @property
    def _line_magics(self) -> dict[str, Any]:
        table: dict[str, Any] = self.shell.magics_manager.magics["line"]
        return table

    @property
    def aliases(self) -> list[tuple[str, str]]:
        """``(name, command)`` of every alias, in definition order."""
        return [(n, f.cmd) for n, f in self._line_magics.items() if isinstance(f, Alias)]

    def define_alias(self, name: str, cmd: str) -> None:
        """Define (or redefine) an alias; ``InvalidAliasError`` if it would shadow a magic."""
        alias = Alias(self.shell, name, cmd)
        self.shell.magics_manager.register_function(alias, magic_kind="line", magic_name=name)

    def soft_define_alias(self, name: str, cmd: str) -> None:
        """Define an alias unless that is invalid (start-up defaults must never fail)."""
        try:
            self.define_alias(name, cmd)
        except AliasError:
            pass

    def get_alias(self, name: str) -> Alias | None:
        found = self._line_magics.get(name)
        return found if isinstance(found, Alias) else None

    def is_alias(self, name: str) -> bool:
        return self.get_alias(name) is not None

    def retrieve_alias(self, name: str) -> str:
        """The command of the alias ``name``."""
        alias = self.get_alias(name)
        if alias is None:
            raise ValueError(f"{name} is not an alias")
        return alias.cmd

    def undefine_alias(self, name: str) -> None:
        if not self.is_alias(name):
            raise ValueError(f"{name} is not an alias")
        del self._line_magics[name]

    def clear_aliases(self) -> None:
        for name, _ in self.aliases:
            self.undefine_alias(name)

    def define_path_aliases(self) -> int:
        """An alias for every executable on ``$PATH`` (``%rehashx``); how many were made.

        Earlier directories win, as the shell's own lookup does; names that are
        not identifiers (``2to3``, ``x86_64-linux-gnu-gcc``) or that would shadow
        a magic are left out.
        """
        import os

        made: set[str] = set()
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            try:
                entries = sorted(os.scandir(directory or "."), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if name in made or not name.isidentifier():
                    continue
                try:
                    if not (entry.is_file() and os.access(entry.path, os.X_OK)):
                        continue
                    self.define_alias(name, name)
                except (OSError, AliasError):
                    continue
                made.add(name)
        return len(made)
