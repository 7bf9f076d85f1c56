"""Typed configuration: defaults, ``config.toml``, ``--config KEY=VALUE``, ``%config``.

Every key is declared once with its type and default, so a wrong value names
the key and the type it expects instead of failing somewhere later. Keys are
``section.name``; IPython's class-qualified spellings used with ``%config``
(``InteractiveShell.automagic``, ``TerminalInteractiveShell.confirm_exit``...) map
to the same keys.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["KEYS", "ConfigKey", "ShellConfig", "load_user_config"]


@dataclass(frozen=True)
class ConfigKey:
    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] = ()


KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("shell.automagic", bool, True, "Call line magics without the % prefix."),
    ConfigKey(
        "shell.xmode", str, "Context", "Traceback mode.", ("Plain", "Context", "Verbose", "Minimal")
    ),
    ConfigKey(
        "shell.colors", str, "Neutral", "Colour scheme.", ("Neutral", "Linux", "LightBG", "NoColor")
    ),
    ConfigKey("shell.pdb", bool, False, "Start the debugger after an uncaught exception."),
    ConfigKey("shell.extensions", list, [], "Extensions to load at start."),
    ConfigKey("shell.exec_lines", list, [], "Lines of code to run at start."),
    ConfigKey("shell.banner", bool, True, "Show the banner when the terminal starts."),
    ConfigKey("shell.editor", str, "", "Editor for %edit (default: $VISUAL, $EDITOR, then vi)."),
    ConfigKey("shell.cache_size", int, 1000, "Number of results kept in Out."),
    ConfigKey("shell.pprint", bool, True, "Pretty-print results (off: plain repr)."),
    ConfigKey("shell.autoawait", bool, True, "Allow await at the top level of a cell."),
    ConfigKey(
        "shell.ast_node_interactivity",
        str,
        "last_expr",
        "Which expressions of a cell show their value.",
        ("last_expr", "all", "last", "none", "last_expr_or_assign"),
    ),
    ConfigKey("history.enabled", bool, True, "Keep a history database on disk."),
    ConfigKey("history.length", int, 10000, "Entries loaded for up-arrow and Ctrl-R."),
    ConfigKey("completion.jedi", bool, True, "Add type-aware completions from jedi."),
    ConfigKey("completion.timeout", float, 0.4, "Seconds jedi may add to a completion."),
    ConfigKey("terminal.confirm_exit", bool, True, "Ask before leaving on Ctrl-D / exit."),
    ConfigKey("terminal.highlight", bool, True, "Syntax highlighting of the input."),
    ConfigKey("terminal.autoindent", bool, True, "Indent the next line of a block automatically."),
    ConfigKey("terminal.editing_mode", str, "emacs", "Key bindings.", ("emacs", "vi")),
    ConfigKey(
        "terminal.interrupt_timeout",
        float,
        3.0,
        "Two-process mode: seconds a kernel may take to stop after Ctrl-C before the prompt "
        "comes back (the kernel then counts as busy).",
    ),
    ConfigKey(
        "terminal.attach_timeout",
        float,
        30.0,
        "Two-process mode: seconds to wait for a busy kernel that --existing attaches to.",
    ),
    ConfigKey("prompts.in", str, "In [{count}]: ", "Input prompt; {count} is the execution count."),
    ConfigKey(
        "prompts.continuation",
        str,
        "...: ",
        "Continuation prompt (right-aligned to the input prompt).",
    ),
    ConfigKey("prompts.out", str, "Out[{count}]: ", "Result prompt."),
)

_ALIASES = {
    "InteractiveShell": "shell",
    "TerminalInteractiveShell": "terminal",
    "ZMQInteractiveShell": "shell",
    "InteractiveShellApp": "shell",
    "TerminalIPythonApp": "shell",
    "PlainTextFormatter": "shell",
    "HistoryManager": "history",
    "HistoryAccessor": "history",
    "IPCompleter": "completion",
    "Completer": "completion",
    "Prompts": "prompts",
}
#: IPython's trait names that differ from ours (after the class -> section mapping)
_IPYTHON_NAMES = {
    "shell.color_info": "shell.colors",
    "completion.use_jedi": "completion.jedi",
    "terminal.editor": "shell.editor",
    "terminal.xmode": "shell.xmode",
    "terminal.colors": "shell.colors",
    "terminal.pdb": "shell.pdb",
    "terminal.automagic": "shell.automagic",
    "terminal.autoawait": "shell.autoawait",
    "terminal.ast_node_interactivity": "shell.ast_node_interactivity",
    "terminal.cache_size": "shell.cache_size",
    "terminal.banner": "shell.banner",
    "terminal.display_banner": "shell.banner",
    "shell.display_banner": "shell.banner",
    "terminal.highlighting": "terminal.highlight",
    "completion.jedi_compute_type_timeout": "completion.timeout",
}


def _canonical(key: str) -> str:
    section, _, name = key.strip().partition(".")
    section = _ALIASES.get(section, section)
    key = f"{section}.{name}"
    return _IPYTHON_NAMES.get(key, key)


def _convert(spec: ConfigKey, value: Any) -> Any:
    expected = spec.type.__name__
    if isinstance(value, str) and spec.type is not str:
        text = value.strip()
        if spec.type is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                value = True
            elif lowered in ("0", "false", "no", "off"):
                value = False
            else:
                raise ConfigError(f"{spec.name}: expected bool (true/false), got {value!r}")
        else:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                if spec.type is list:
                    value = [v.strip() for v in text.split(",") if v.strip()]
                else:
                    raise ConfigError(f"{spec.name}: expected {expected}, got {value!r}") from None
    if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if spec.type is list and isinstance(value, tuple):
        value = list(value)
    if (
        isinstance(value, str)
        and spec.type is str
        and len(value) >= 2
        and value[0] == value[-1]
        and value[0] in "'\""
    ):
        value = value[1:-1]
    if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
        raise ConfigError(f"{spec.name}: expected {expected}, got {type(value).__name__} {value!r}")
    if spec.choices:
        match = [c for c in spec.choices if str(c).lower() == str(value).strip().lower()]
        if not match:
            raise ConfigError(
                f"{spec.name}: expected one of {', '.join(map(str, spec.choices))}, got {value!r}"
            )
        value = match[0]
    return value


class ShellConfig:
    """The values of every declared key, with observers for live changes."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self._specs = {k.name: k for k in KEYS}
        self._values: dict[str, Any] = {
            k.name: (list(k.default) if isinstance(k.default, list) else k.default) for k in KEYS
        }
        self._observers: list[Callable[[str, Any], None]] = []
        for key, value in (values or {}).items():
            self.set(key, value)

    # -- reading -----------------------------------------------------------------
    def spec(self, key: str) -> ConfigKey:
        name = _canonical(key)
        try:
            return self._specs[name]
        except KeyError:
            raise ConfigError(
                f"Unknown configuration key {key!r}; see %config for the list"
            ) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[self.spec(key).name]

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except ConfigError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def items(self) -> list[tuple[str, Any]]:
        return list(self._values.items())

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    # -- writing -----------------------------------------------------------------
    def set(self, key: str, value: Any) -> None:
        spec = self.spec(key)
        value = _convert(spec, value)
        self._values[spec.name] = value
        for observer in list(self._observers):
            observer(spec.name, value)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set(key, value)

    def observe(self, callback: Callable[[str, Any], None]) -> None:
        """Call ``callback(key, value)`` after each change."""
        self._observers.append(callback)

    def apply_assignment(self, text: str) -> None:
        """``KEY=VALUE`` (from ``--config`` or ``%config``)."""
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"Expected KEY=VALUE, got {text!r}")
        # keep trailing spaces: they matter in prompts ("Out> ")
        self.set(key.strip(), value.lstrip())

    def load_file(self, path: Path) -> None:
        """Read ``config.toml``; ``[section] key = value``.

        Every valid key is applied; the bad ones are skipped and reported together
        in one ``ConfigError`` naming the file, each key and the expected type.
        """
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except FileNotFoundError:
            return
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"{path}: {e}") from None
        problems = []
        for section, table in data.items():
            if not isinstance(table, dict):
                problems.append(f"{section!r} must be a [section] table")
                continue
            for name, value in table.items():
                try:
                    self.set(f"{section}.{name}", value)
                except ConfigError as e:
                    problems.append(str(e))
        if problems:
            # the good keys are applied; the bad ones are all named at once
            raise ConfigError(f"{path}: {'; '.join(problems)} (these keys were skipped)")

    def section(self, name: str) -> str | None:
        """Our section for ``name`` (``shell``, or IPython's ``InteractiveShell``...), or None."""
        section = _ALIASES.get(name.strip(), name.strip())
        return section if any(k.name.startswith(section + ".") for k in KEYS) else None

    def describe(self, section: str | None = None) -> str:
        lines = []
        for spec in KEYS:
            if section is not None and not spec.name.startswith(section + "."):
                continue
            lines.append(
                f"{spec.name} = {self._values[spec.name]!r}  ({spec.type.__name__}) {spec.help}"
            )
        return "\n".join(lines)


def load_user_config(path: Path, warn: Callable[[str], None]) -> ShellConfig:
    """The defaults, then the user's config file at ``path`` (a missing file is fine).

    A file with bad keys still applies its good ones; what was skipped (or why
    the file could not be read) goes to ``warn``, never to an exception: the
    shell, the kernel and ``adapters.get_shell`` all start with a bad config.
    """
    config = ShellConfig()
    try:
        config.load_file(path)
    except ConfigError as e:
        warn(str(e))
    return config
