"""The session log: every input (and optionally output) written to a file as it runs.

``%logstart`` opens it, ``%logoff``/``%logon`` pause it, ``%logstop`` closes
it (IPython's names, options and file format: a Python file whose inputs can
be run again with ``%run``). The shell's ``post_run_cell`` event feeds it, so
only cells stored in the history are logged, and the input is logged as the
shell ran it (magics as ``get_ipython()`` calls) unless raw input was asked for.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import IO, Any

from .errors import ShellError

__all__ = ["MODES", "LogError", "SessionLog"]

#: What to do with an existing log file: IPython's modes.
MODES = ("append", "backup", "global", "over", "rotate")


class LogError(ShellError):
    """The log could not be opened; the message says why."""


@dataclass
class LogSettings:
    path: str
    mode: str = "backup"
    output: bool = False
    raw: bool = False
    timestamp: bool = False


class SessionLog:
    """One shell's log file, active or paused."""

    def __init__(self) -> None:
        self.settings: LogSettings | None = None
        self.active = False
        self._file: IO[str] | None = None

    @property
    def started(self) -> bool:
        return self._file is not None

    def start(self, settings: LogSettings, history: list[tuple[str, str]]) -> None:
        """Open the file as ``settings.mode`` says, write the session so far (``history``:
        ``(source, raw)`` pairs), and log from now on."""
        if settings.mode not in MODES:
            raise LogError(f"Invalid log mode {settings.mode!r}: use one of {', '.join(MODES)}")
        path = os.path.expanduser(settings.path)
        if settings.mode == "global":
            path = os.path.join(os.path.expanduser("~"), os.path.basename(path))
        existed = os.path.exists(path)
        try:
            if existed and settings.mode == "backup":
                os.replace(path, path + "~")
            elif existed and settings.mode == "rotate":
                n = 1
                while os.path.exists(f"{path}.{n:03d}~"):
                    n += 1
                os.replace(path, f"{path}.{n:03d}~")
            append = existed and settings.mode in ("append", "global")
            self._file = open(path, "a" if append else "w", encoding="utf-8")  # noqa: SIM115
        except OSError as e:
            raise LogError(f"The log file {path} could not be opened: {e}") from None
        settings.path = path
        self.settings = settings
        self.active = True
        if not append:
            self._write("# legacy-shell log file\n\n")
        for source, raw in history:
            self._write_input(source, raw)

    def _write(self, text: str) -> None:
        if self._file is not None:
            self._file.write(text)
            self._file.flush()

    def _write_input(self, source: str, raw: str) -> None:
        assert self.settings is not None
        text = raw if self.settings.raw else source
        if self.settings.timestamp:
            self._write(time.strftime("# %a, %d %b %Y %H:%M:%S\n", time.localtime()))
        self._write(text if text.endswith("\n") else text + "\n")

    def log_cell(self, source: str, raw: str, result: Any, has_result: bool) -> None:
        """One cell that ran: its input, and its result's repr when output is logged."""
        if not self.active or self.settings is None:
            return
        self._write_input(source, raw)
        if self.settings.output and has_result:
            try:
                text = repr(result)
            except Exception as e:  # an object whose repr fails is still logged
                text = f"<repr failed: {type(e).__name__}>"
            self._write("".join(f"#[Out]# {line}\n" for line in text.splitlines()))

    def stop(self) -> None:
        """Close the file; a later ``%logstart`` starts a new log."""
        if self._file is not None:
            self._file.close()
        self._file = None
        self.active = False
        self.settings = None

    def state(self) -> str:
        """IPython's ``%logstate`` text."""
        s = self.settings
        if s is None:
            return "Logging has not been activated."
        return (
            f"Filename       : {s.path}\n"
            f"Mode           : {s.mode}\n"
            f"Output logging : {s.output}\n"
            f"Raw input log  : {s.raw}\n"
            f"Timestamping   : {s.timestamp}\n"
            f"State          : {'active' if self.active else 'temporarily suspended'}"
        )
