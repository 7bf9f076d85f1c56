"""The legacy API: ``ipapi.get()``, ``_ip``, ``__IPYTHON__`` and ``ipmagic()``.

Extensions written for old IPython talked to a wrapper object rather than to
the shell: ``ip = IPython.ipapi.get()``, ``ip.magic("%cd /tmp")``,
``ip.expose_magic(name, fn)``, ``ip.to_user_ns("x y")``... This module keeps
that code running, in process, on top of the modern shell API, so that it can
be migrated at leisure (the ``migration`` codemods rewrite it). Every use of
the wrapper emits one ``DeprecationWarning`` that names the replacement,
pointing at the caller's line.

There is one wrapper per shell (``shell.legacy``); ``get()``, ``_ip``,
``__IPYTHON__`` and the argument of ``init_ipython(ip)`` are all that object.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from ._current import get_ipython
from .api import ShellAPI
from .hooks import HookManager
from .namespace import names_from_frame

__all__ = ["LegacyAPI", "OptionsView", "get", "make_ipmagic"]

_SINCE = "since legacy_shell 0.1"


def _deprecated(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated; ``stacklevel`` 3 is the caller of our caller."""
    warnings.warn(
        f"{old} is deprecated {_SINCE}: use {new}", DeprecationWarning, stacklevel=stacklevel
    )


def _split_magic(arg_s: str) -> tuple[str, str]:
    """``"%cd /tmp"`` -> ``("cd", "/tmp")``; the leading ``%`` is optional."""
    name, _, line = arg_s.lstrip().partition(" ")
    return name.lstrip("%"), line.strip()


def get() -> LegacyAPI | None:
    """The legacy wrapper of the current shell (``None`` outside of a shell)."""
    _deprecated("legacy_shell.ipapi.get()", "get_ipython() (from legacy_shell import get_ipython)")
    shell = get_ipython()
    return None if shell is None else shell.legacy


class LegacyHost(ShellAPI, Protocol):
    """What the legacy wrapper forwards to beyond the contract (old spellings of the shell's)."""

    @property
    def user_ns(self) -> dict[str, Any]: ...
    @property
    def hooks(self) -> HookManager: ...
    def system(self, cmd: str) -> None: ...
    def ev(self, expr: str) -> Any: ...
    def ex(self, cmd: str) -> None: ...


def make_ipmagic(shell: ShellAPI) -> Callable[[str], Any]:
    """Build the ``ipmagic("name args")`` builtin of ``shell``."""

    def ipmagic(arg_s: str) -> Any:
        """Run a line magic: ``ipmagic("cd /tmp")`` (deprecated)."""
        _deprecated("ipmagic()", "get_ipython().run_line_magic(name, line)")
        name, line = _split_magic(arg_s)
        return shell.run_line_magic(name, line, _stack_depth=2)

    return ipmagic


class OptionsView:
    """A read-only, live view of the shell's configuration (``ip.options``).

    Old code read ``ip.options.automagic`` or ``ip.options['xmode']``; a key is
    found by its short name when that is unambiguous (``automagic``,
    ``confirm_exit``...), by its full name (``shell.xmode``), or by an old
    IPython name (``prompt_in1``). Change settings with ``%config`` or
    ``shell.config.set(key, value)``.
    """

    _OLD_NAMES = {
        "prompt_in1": "prompts.in",
        "prompt_in2": "prompts.continuation",
        "prompt_out": "prompts.out",
        "color_info": "shell.colors",
        "use_jedi": "completion.jedi",
    }

    def __init__(self, config: Any) -> None:
        object.__setattr__(self, "_config", config)

    def _short_names(self) -> dict[str, str]:
        names: dict[str, list[str]] = {}
        for key in self._config:
            names.setdefault(key.partition(".")[2], []).append(key)
        return {short: full[0] for short, full in names.items() if len(full) == 1}

    def _key(self, name: str) -> str:
        if "." in name:
            return name
        key = self._OLD_NAMES.get(name) or self._short_names().get(name)
        if key is None:
            raise KeyError(name)
        return key

    def __getitem__(self, name: str) -> Any:
        from .errors import ConfigError

        try:
            return self._config[self._key(name)]
        except (KeyError, ConfigError):
            raise KeyError(f"No option {name!r}; see %config for the list") from None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(e.args[0]) from None

    @staticmethod
    def _read_only() -> TypeError:
        return TypeError(
            "ip.options is read-only: use %config KEY=VALUE or shell.config.set(key, value)"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise self._read_only()

    def __setitem__(self, name: str, value: Any) -> None:
        raise self._read_only()

    def __delattr__(self, name: str) -> None:
        raise self._read_only()

    def __delitem__(self, name: str) -> None:
        raise self._read_only()

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self[name]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._config)

    def keys(self) -> list[str]:
        return list(self._config)

    def __repr__(self) -> str:
        return f"<options view of {len(self.keys())} config keys>"


class LegacyAPI:
    """The old ``ip`` object: each member works and warns with its replacement.

    Public names that are not legacy members (``_ip.run_cell``, ``_ip.push``...,
    as IPython 0.11+ code spells them, where ``_ip`` was the shell itself) are
    forwarded to the shell, with a warning too.
    """

    def __init__(self, shell: LegacyHost) -> None:
        self._shell = shell

    def __repr__(self) -> str:
        return f"<legacy_shell.ipapi.LegacyAPI wrapping {self._shell!r}>"

    def __bool__(self) -> bool:
        return True

    # -- attributes ---------------------------------------------------------------
    @property
    def IP(self) -> Any:
        """The wrapped shell."""
        _deprecated("ip.IP", "the shell itself: get_ipython()")
        return self._shell

    @property
    def user_ns(self) -> dict[str, Any]:
        """The user namespace (the shell's own dict, not a copy)."""
        _deprecated("ip.user_ns", "get_ipython().user_ns")
        return self._shell.user_ns

    @property
    def options(self) -> OptionsView:
        """A read-only view of the configuration."""
        _deprecated("ip.options", "get_ipython().config (change it with %config)")
        return OptionsView(self._shell.config)

    def get_ipython(self) -> Any:
        """The wrapped shell."""
        _deprecated("ip.get_ipython()", "get_ipython()")
        return self._shell

    # -- running things -------------------------------------------------------------
    def magic(self, arg_s: str) -> Any:
        """Run a line magic: ``ip.magic("cd /tmp")`` (a leading ``%`` is accepted)."""
        _deprecated("ip.magic()", "shell.run_line_magic(name, line)")
        name, line = _split_magic(arg_s)
        return self._shell.run_line_magic(name, line, _stack_depth=2)

    def runlines(self, lines: str | list[str]) -> Any:
        """Run source lines as one cell (not stored in the history)."""
        _deprecated("ip.runlines()", "shell.run_cell(code)")
        code = lines if isinstance(lines, str) else "\n".join(lines)
        return self._shell.run_cell(code, store_history=False)

    def ev(self, expr: str) -> Any:
        """Evaluate ``expr`` in the user namespace."""
        _deprecated("ip.ev()", "shell.ev(expr)")
        return self._shell.ev(expr)

    def ex(self, cmd: str) -> None:
        """Execute ``cmd`` in the user namespace."""
        _deprecated("ip.ex()", "shell.ex(code)")
        self._shell.ex(cmd)

    def system(self, cmd: str) -> Any:
        """Run a shell command; its output goes to ``sys.stdout``."""
        _deprecated("ip.system()", "shell.system(cmd)")
        return self._shell.system(cmd)

    # -- extending the shell ---------------------------------------------------------
    def _register_legacy_magic(self, name: str, func: Callable[..., Any]) -> None:
        shell = self._shell

        def magic(line: str) -> Any:
            return func(shell, line)

        magic.__name__ = name
        magic.__doc__ = func.__doc__
        magic.__wrapped__ = func  # type: ignore[attr-defined]
        shell.register_magic_function(magic, "line", name)

    def expose_magic(self, name: str, func: Callable[..., Any]) -> None:
        """Make ``func(self, arg)`` the line magic ``%name``; ``self`` is the shell."""
        _deprecated("ip.expose_magic()", "shell.register_magic_function(fn, 'line', name)")
        self._register_legacy_magic(name, func)

    def define_magic(self, name: str, func: Callable[..., Any]) -> None:
        """Same as :meth:`expose_magic` (its IPython 0.11 name)."""
        _deprecated("ip.define_magic()", "shell.register_magic_function(fn, 'line', name)")
        self._register_legacy_magic(name, func)

    def set_hook(
        self,
        name: str,
        hook: Callable[..., Any],
        priority: int = 50,
        str_key: str | None = None,
        re_key: str | None = None,
    ) -> None:
        """Add ``hook(shell, *args)`` to a hook chain (see ``legacy_shell.hooks``)."""
        from .hooks import DEPRECATED_HOOKS, canonical_name

        replacement = DEPRECATED_HOOKS.get(canonical_name(name), "shell.set_hook(name, fn)")
        _deprecated("ip.set_hook()", replacement)
        self._shell.hooks.set_hook(name, hook, priority, str_key, re_key, stacklevel=3)

    def to_user_ns(self, variables: Any) -> None:
        """Put variables in the user namespace: a dict, or names of the caller's variables.

        Names (a space-separated string or a list) are looked up in the calling
        frame, locals first; a name that is not found is reported and skipped.
        """
        _deprecated("ip.to_user_ns()", "shell.push(variables)")
        if isinstance(variables, dict):
            self._shell.push(variables)
            return
        frame = sys._getframe(1)

        def report(name: str) -> None:
            print(f"Could not get variable {name} from {frame.f_code.co_name}", file=sys.stderr)

        found = names_from_frame(variables, frame, missing=report)
        self._shell.push(found)

    def load(self, module: str) -> Any:
        """Load an extension by module name."""
        _deprecated("ip.load()", "%load_ext (shell.run_line_magic('load_ext', module))")
        return self._shell.run_line_magic("load_ext", module)

    def set_next_input(self, text: str) -> None:
        """Pre-fill the next prompt with ``text``."""
        _deprecated("ip.set_next_input()", "shell.set_next_input(text)")
        self._shell.set_next_input(text)

    # -- everything else: forward to the shell -----------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        shell = self.__dict__.get("_shell")
        if shell is None or not hasattr(shell, name):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        _deprecated(f"_ip.{name} (the legacy wrapper)", f"get_ipython().{name}")
        return getattr(shell, name)
