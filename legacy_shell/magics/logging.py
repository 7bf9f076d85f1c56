"""Logging magics: ``%logstart``, ``%logstop``, ``%logon``, ``%logoff``, ``%logstate``."""

from __future__ import annotations

from typing import Any

from ..api import ShellAPI
from ..errors import UsageError
from ..logger import LogError, LogSettings, SessionLog
from ..magic import Magics, line_magic, magics_class

__all__ = ["LoggingMagics"]


@magics_class
class LoggingMagics(Magics):
    """The session log (:mod:`legacy_shell.logger`)."""

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self.log = SessionLog()
        self._written_up_to = 0  # history lines already in the log (the session so far)
        if shell is not None:
            shell.events.register("post_run_cell", self._post_run_cell)

    def _post_run_cell(self, result: Any) -> None:
        info = getattr(result, "info", None)
        if not self.log.active or info is None or not info.store_history:
            return
        parsed = self.shell.history_manager.input_hist_parsed
        if len(parsed) <= self._written_up_to:  # the %logstart cell: written with the history
            return
        source = parsed[-1] if parsed else info.raw_cell
        value = getattr(result, "result", None)
        self.log.log_cell(source, info.raw_cell, value, value is not None)

    @line_magic
    def logstart(self, parameter_s: str = "") -> None:
        """Log the session to a file: ``%logstart [-o] [-r] [-t] [-q] [FILE [MODE]]``.

        ``FILE`` defaults to ``ipython_log.py``; ``MODE`` is what to do with an
        existing file: ``backup`` (default: renamed to ``FILE~``), ``append``,
        ``over`` (overwrite), ``rotate`` (``FILE.001~``...), ``global`` (append
        to the file of that name in the home directory). The session so far is
        written first. ``-o``: results too (as ``#[Out]#`` comments); ``-r``:
        the input as typed; ``-t``: a timestamp before each input; ``-q``: quiet.
        """
        opts, args = self.parse_options(parameter_s, "ortq", mode="list")
        if self.log.started:
            raise UsageError(
                f"Logging is already active to {self.log.settings.path if self.log.settings else ''}"
                "; %logstop first"
            )
        if len(args) > 2:
            raise UsageError("Usage: %logstart [-o] [-r] [-t] [-q] [FILE [MODE]]")
        settings = LogSettings(
            path=args[0] if args else "ipython_log.py",
            mode=args[1] if len(args) > 1 else "backup",
            output="o" in opts,
            raw="r" in opts,
            timestamp="t" in opts,
        )
        manager = self.shell.history_manager
        history = list(zip(manager.input_hist_parsed[1:], manager.input_hist_raw[1:], strict=False))
        self._written_up_to = len(manager.input_hist_parsed)
        try:
            self.log.start(settings, history)
        except LogError as e:
            raise UsageError(str(e)) from None
        if "q" not in opts:
            print("Activating auto-logging. Current session state plus future input saved.")
            print(self.log.state())

    @line_magic
    def logstop(self, parameter_s: str = "") -> None:
        """Stop logging and close the log file."""
        if not self.log.started:
            print("Logging hadn't been started.")
            return
        self.log.stop()

    @line_magic
    def logoff(self, parameter_s: str = "") -> None:
        """Pause logging (``%logon`` resumes it)."""
        if not self.log.started:
            raise UsageError("Logging hasn't been started yet (use %logstart for that).")
        if not self.log.active:
            print("Logging is already OFF")
            return
        self.log.active = False
        print("Switching logging OFF")

    @line_magic
    def logon(self, parameter_s: str = "") -> None:
        """Resume logging after ``%logoff``."""
        if not self.log.started:
            raise UsageError("Logging hasn't been started yet (use %logstart for that).")
        if self.log.active:
            print("Logging is already ON")
            return
        self.log.active = True
        print("Switching logging ON")

    @line_magic
    def logstate(self, parameter_s: str = "") -> None:
        """Say whether the session is logged, where and how."""
        print(self.log.state())
