"""Magics that switch a setting: ``%pprint``, ``%colors``, ``%autoawait``, ``%doctest_mode``.

Each is a spelling of a configuration key (``%config`` sets the same keys), so
a kernel's terminal follows the ones that concern it (prompts, colours) the
way it follows ``%config``.
"""

from __future__ import annotations

from typing import Any

from ..api import ShellAPI
from ..errors import ConfigError, UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["SettingsMagics"]

#: What ``%doctest_mode`` changes, and to what: a session that looks like plain Python.
_DOCTEST = {
    "prompts.in": ">>> ",
    "prompts.continuation": "... ",
    "prompts.out": "",
    "shell.xmode": "Plain",
    "shell.pprint": False,
}
_ASYNC_ON = ("on", "true", "1", "yes", "asyncio")
_ASYNC_OFF = ("off", "false", "0", "no")


@magics_class
class SettingsMagics(Magics):
    """Switches of the shell's look and behaviour."""

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        #: The values ``%doctest_mode`` replaced, put back when it is turned off.
        self._before_doctest: dict[str, Any] | None = None

    @line_magic
    def pprint(self, parameter_s: str = "") -> None:
        """Toggle pretty printing of results (off: plain ``repr``)."""
        value = not self.shell.config["shell.pprint"]
        self.shell.config.set("shell.pprint", value)
        print(f"Pretty printing has been turned {'ON' if value else 'OFF'}")

    @line_magic
    def colors(self, parameter_s: str = "") -> None:
        """Switch the colour scheme: ``%colors nocolor|neutral|linux|lightbg``."""
        scheme = parameter_s.strip()
        if not scheme:
            raise UsageError(
                "%colors needs a scheme: NoColor, Neutral, Linux or LightBG "
                f"(now {self.shell.config['shell.colors']})"
            )
        try:
            self.shell.config.set("shell.colors", scheme)
        except ConfigError:
            raise UsageError(
                f"Unknown colour scheme {scheme!r}: use NoColor, Neutral, Linux or LightBG"
            ) from None

    @line_magic
    def autoawait(self, parameter_s: str = "") -> None:
        """Allow or forbid ``await`` at the top level of a cell: ``%autoawait [on|off|asyncio]``.

        Without an argument, says how it is set. Only asyncio runs top-level
        ``await`` here (IPython's trio and curio runners are not available).
        """
        arg = parameter_s.strip().lower()
        config = self.shell.config
        if not arg:
            state = "On" if config["shell.autoawait"] else "Off"
            print(f"autoawait is `{state}`, and set to use `asyncio`")
            return
        if arg in _ASYNC_ON:
            config.set("shell.autoawait", True)
        elif arg in _ASYNC_OFF:
            config.set("shell.autoawait", False)
        else:
            raise UsageError(
                f"%autoawait {parameter_s.strip()}: only asyncio is available here "
                "(use on, off or asyncio)"
            )

    @line_magic
    def doctest_mode(self, parameter_s: str = "") -> None:
        """Toggle a session that looks like plain Python: ``>>>`` prompts, plain
        tracebacks and results, so it can be pasted into a doctest."""
        config = self.shell.config
        turning_on = self._before_doctest is None
        if turning_on:
            self._before_doctest = {key: config[key] for key in _DOCTEST}
            changes = dict(_DOCTEST)
        else:
            changes, self._before_doctest = dict(self._before_doctest or {}), None
        for key, value in changes.items():
            config.set(key, value)
        print(f"Exception reporting mode: {config['shell.xmode']}")
        print(f"Doctest mode is: {'ON' if turning_on else 'OFF'}")
