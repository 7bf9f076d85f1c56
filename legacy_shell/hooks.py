"""Hooks: the shell's pre-events customisation points (``shell.set_hook``).

Before IPython had events, extensions customised the shell through *hooks*:
named chains of functions, each called as ``fn(shell, *args)``, tried in
priority order (lower first) until one does not raise :class:`TryNext`. Old
extensions and half-ported code still call ``set_hook``, so the shell keeps a
:class:`HookManager`; new code should use ``shell.events.register`` instead
(see :data:`DEPRECATED_HOOKS` for the exact replacements).

Every known hook has a default implementation registered at priority 100, so
a user's function (priority 50 by default) runs first and the default only runs
when it passes with ``TryNext``.
"""

from __future__ import annotations

import re
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ShellError

if TYPE_CHECKING:  # modules with no shell behind them: no cycle
    from .output import OutputSink
    from .usersite import UserSite


class HookShell(Protocol):
    """What hook functions get as ``shell``; the built-in ones use where the user sits
    (``user_site``: editor, clipboard) and where output goes (the pager)."""

    @property
    def user_site(self) -> UserSite: ...
    @property
    def output(self) -> OutputSink: ...


__all__ = [
    "DEFAULT_PRIORITY",
    "DEPRECATED_HOOKS",
    "HOOK_ALIASES",
    "KNOWN_HOOKS",
    "HookManager",
    "TryNext",
    "deprecation_message",
]

DEFAULT_PRIORITY = 100
"""Priority of the built-in implementations: after every user function."""

HOOK_ALIASES: dict[str, str] = {"pre_runcode_hook": "pre_run_code_hook"}
"""Old spellings that name the same hook."""

DEPRECATED_HOOKS: dict[str, str] = {
    "pre_run_code_hook": "shell.events.register('pre_run_cell', fn) (or 'pre_execute')",
    "late_startup_hook": "shell.events.register('shell_initialized', fn)",
    "shutdown_hook": "the atexit module",
}
"""Hooks that IPython deprecated (in 5.0), with what replaces each one."""


class TryNext(ShellError):
    """Raised by a hook function to let the next function of the chain try.

    It only escapes :meth:`HookManager.call` when every function passed.
    """


# -- the default implementations -------------------------------------------------


def editor(shell: HookShell, filename: str, linenum: int | None = None, wait: bool = True) -> None:
    """Open ``filename`` (at ``linenum``) in the user's editor; ``TryNext`` if it fails.

    The editor runs where the user sits (``shell.user_site``, see
    :mod:`legacy_shell.usersite`): this machine in one process, the terminal
    in two-process mode. It is ``shell.editor`` from the config, else
    ``$VISUAL``, ``$EDITOR``, then ``vi``.
    """
    from .usersite import SiteUnavailable

    try:
        shell.user_site.edit_file(filename, linenum)
    except SiteUnavailable as e:
        raise TryNext(str(e)) from None


def clipboard_get(shell: HookShell) -> str:
    """The text on the user's clipboard (``%paste``); ``TryNext`` with the reason if unreadable."""
    from .usersite import SiteUnavailable

    try:
        return str(shell.user_site.read_clipboard())
    except SiteUnavailable as e:
        raise TryNext(str(e)) from None


def show_in_pager(shell: HookShell, data: Any, start: int = 0, screen_lines: int = 0) -> None:
    """Hand pager text to the shell's output sink (the terminal prints it).

    ``data`` is a string or a MIME bundle; a kernel's sink turns it into a
    ``page`` payload, so the default works in both modes.
    """
    bundle = data if isinstance(data, dict) else {"text/plain": str(data)}
    if start:  # the sink gets the text from line ``start`` on, already cut
        text = str(bundle.get("text/plain", ""))
        bundle = {**bundle, "text/plain": "\n".join(text.splitlines()[start:])}
    shell.output.page(bundle, 0)


def _no_op(shell: HookShell, *args: Any, **kwargs: Any) -> None:
    """Default of hooks that only exist to be overridden: does nothing."""
    return None


_DEFAULTS: dict[str, Callable[..., Any]] = {
    "editor": editor,
    "clipboard_get": clipboard_get,
    "show_in_pager": show_in_pager,
    "synchronize_with_editor": _no_op,
    "pre_prompt_hook": _no_op,
    "pre_run_code_hook": _no_op,
    "late_startup_hook": _no_op,
    "shutdown_hook": _no_op,
}

KNOWN_HOOKS: tuple[str, ...] = tuple(_DEFAULTS)
"""Hook names the shell knows (and calls); others are accepted with a warning."""


def canonical_name(name: str) -> str:
    """The hook's own name (``pre_runcode_hook`` is ``pre_run_code_hook``)."""
    return HOOK_ALIASES.get(name, name)


def deprecation_message(name: str) -> str | None:
    """The message ``shell.set_hook(name, ...)`` warns with, or ``None``.

    Only hooks that IPython deprecated warn; ``editor``, ``clipboard_get``,
    ``show_in_pager``, ``pre_prompt_hook`` and ``synchronize_with_editor`` are
    still supported.
    """
    hook = canonical_name(name)
    replacement = DEPRECATED_HOOKS.get(hook)
    if replacement is None:
        return None
    return f"Hook {name!r} is deprecated since legacy_shell 0.1: use {replacement} instead"


# -- the manager ------------------------------------------------------------------


@dataclass(order=True)
class _Entry:
    priority: int
    seq: int
    func: Callable[..., Any] = field(compare=False)
    str_key: str | None = field(default=None, compare=False)
    re_key: re.Pattern[str] | None = field(default=None, compare=False)

    def matches(self, key: str) -> bool:
        if self.str_key is not None:
            return self.str_key == key
        if self.re_key is not None:
            return self.re_key.match(key) is not None
        return False


class HookManager:
    """The hook chains of one shell.

    ``hooks.call("editor", "f.py", 3)`` runs the chain; ``hooks.editor("f.py", 3)``
    is the same call spelled as old code spelled it (``shell.hooks.editor(...)``).
    """

    def __init__(self, shell: HookShell) -> None:
        self.shell = shell
        self._chains: dict[str, list[_Entry]] = {}
        self._seq = 0
        for name, func in _DEFAULTS.items():
            self._add(name, func, DEFAULT_PRIORITY, None, None)

    def _add(
        self,
        name: str,
        func: Callable[..., Any],
        priority: int,
        str_key: str | None,
        re_key: str | None,
    ) -> None:
        self._seq += 1
        pattern = re.compile(re_key) if re_key is not None else None
        entry = _Entry(priority, self._seq, func, str_key, pattern)
        chain = self._chains.setdefault(name, [])
        chain.append(entry)
        chain.sort()

    def set_hook(
        self,
        name: str,
        fn: Callable[..., Any],
        priority: int = 50,
        str_key: str | None = None,
        re_key: str | None = None,
        *,
        stacklevel: int = 3,
    ) -> None:
        """Add ``fn`` to the chain of ``name``; it is called as ``fn(shell, *args)``.

        Lower priorities run first; equal priorities run in registration order.
        With ``str_key`` / ``re_key`` the function only answers :meth:`call_matching`
        for that key. An unknown name is accepted with a ``UserWarning`` (as
        IPython does) because an extension may call its own hooks.
        """
        if not callable(fn):
            raise TypeError(f"set_hook({name!r}, ...) needs a callable, got {fn!r}")
        hook = canonical_name(name)
        if hook not in _DEFAULTS and hook not in self._chains:
            warnings.warn(
                f"Hook {name!r} is not one of the known hooks ({', '.join(KNOWN_HOOKS)}); "
                "it is registered, but the shell itself never calls it",
                UserWarning,
                stacklevel=stacklevel,
            )
        self._add(hook, fn, priority, str_key, re_key)

    def remove_hook(self, name: str, fn: Callable[..., Any]) -> None:
        """Take ``fn`` out of the chain of ``name`` (``ValueError`` if absent)."""
        hook = canonical_name(name)
        chain = self._chains.get(hook, [])
        for entry in chain:
            if entry.func is fn or entry.func == fn:
                chain.remove(entry)
                return
        raise ValueError(f"{fn!r} is not registered for hook {name!r}")

    def functions(self, name: str) -> list[Callable[..., Any]]:
        """The functions of the chain of ``name``, in calling order (defaults included)."""
        return [e.func for e in self._chains.get(canonical_name(name), [])]

    def has_user_functions(self, name: str) -> bool:
        """Whether anything besides the built-in default is registered for ``name``."""
        default = _DEFAULTS.get(canonical_name(name))
        return any(func is not default for func in self.functions(name))

    def _chain(self, name: str) -> list[_Entry]:
        hook = canonical_name(name)
        try:
            return self._chains[hook]
        except KeyError:
            raise KeyError(
                f"No hook named {name!r}; known hooks: {', '.join(KNOWN_HOOKS)}"
            ) from None

    def _run(self, entries: list[_Entry], name: str, args: Any, kwargs: Any) -> Any:
        last = TryNext(f"every function of hook {name!r} passed")
        for entry in entries:
            try:
                return entry.func(self.shell, *args, **kwargs)
            except TryNext as exc:
                last = exc
        raise last

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Run the chain of ``name``: the first result not raising ``TryNext`` wins.

        Functions registered with a ``str_key`` / ``re_key`` are skipped here.
        Other exceptions propagate; ``TryNext`` escapes only if all functions passed.
        """
        entries = [e for e in self._chain(name) if e.str_key is None and e.re_key is None]
        return self._run(entries, name, args, kwargs)

    def call_matching(self, name: str, key: str, *args: Any, **kwargs: Any) -> Any:
        """Like :meth:`call`, but the functions whose ``str_key`` equals ``key`` or
        whose ``re_key`` matches it go first (how IPython dispatched on a string)."""
        chain = self._chain(name)
        keyed = [e for e in chain if e.matches(key)]
        plain = [e for e in chain if e.str_key is None and e.re_key is None]
        return self._run(keyed + plain, name, args, kwargs)

    def call_reporting(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Like :meth:`call`, but a failing hook function is reported, not raised.

        For the notification hooks the shell calls itself (``pre_prompt_hook``,
        ``pre_run_code_hook``, ``late_startup_hook``, ``shutdown_hook``): one
        broken extension must not take the shell down. Returns ``None`` on failure.
        """
        try:
            return self.call(name, *args, **kwargs)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception:
            print(f"Error in hook {name!r}:", file=sys.stderr)
            traceback.print_exc()
            return None

    def __getattr__(self, name: str) -> Callable[..., Any]:
        # ``shell.hooks.editor(filename, 3)``: the old spelling of ``call``.
        if name.startswith("_"):
            raise AttributeError(name)
        hook = canonical_name(name)
        if hook not in self.__dict__.get("_chains", {}):
            raise AttributeError(f"{type(self).__name__!r} object has no hook {name!r}")

        def run(*args: Any, **kwargs: Any) -> Any:
            return self.call(hook, *args, **kwargs)

        run.__name__ = hook
        return run
