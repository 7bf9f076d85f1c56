"""Capturing output: ``capture_output()`` and the ``CapturedIO`` it yields (``%%capture``).

Inside ``with capture_output() as cap:``, ``sys.stdout`` and ``sys.stderr`` are
string buffers and the current shell's output sink is a capturing one, so that
``display()`` calls and cell results are kept as ``RichOutput`` objects instead
of being shown. Everything is put back on exit, also when the block raises.
``cap.show()`` (or ``cap()``) replays what was captured.
"""

from __future__ import annotations

import sys
from io import StringIO
from types import TracebackType
from typing import Any

from ._current import get_ipython

__all__ = ["CapturedIO", "CapturingSink", "RichOutput", "capture_output"]


class RichOutput:
    """One captured display: its MIME bundle, shown again by ``display()``."""

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        transient: dict[str, Any] | None = None,
        update: bool = False,
    ) -> None:
        self.data = data or {}
        self.metadata = metadata or {}
        self.transient = transient or {}
        self.update = update

    def display(self) -> None:
        """Send this bundle to the current shell's output again."""
        from .display import publish_display_data

        publish_display_data(self.data, self.metadata, transient=self.transient, update=self.update)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {sorted(self.data)}>"

    def _repr_mime_(self, mime: str) -> Any:
        if mime not in self.data:
            return None
        if mime in self.metadata:
            return self.data[mime], self.metadata[mime]
        return self.data[mime]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        return self.data, self.metadata

    def _repr_html_(self) -> Any:
        return self._repr_mime_("text/html")

    def _repr_markdown_(self) -> Any:
        return self._repr_mime_("text/markdown")

    def _repr_latex_(self) -> Any:
        return self._repr_mime_("text/latex")

    def _repr_json_(self) -> Any:
        return self._repr_mime_("application/json")

    def _repr_javascript_(self) -> Any:
        return self._repr_mime_("application/javascript")

    def _repr_png_(self) -> Any:
        return self._repr_mime_("image/png")

    def _repr_jpeg_(self) -> Any:
        return self._repr_mime_("image/jpeg")

    def _repr_svg_(self) -> Any:
        return self._repr_mime_("image/svg+xml")


class CapturedIO:
    """What a capture caught: ``stdout`` and ``stderr`` text and the rich ``outputs``."""

    def __init__(
        self,
        stdout: StringIO | None,
        stderr: StringIO | None,
        outputs: list[RichOutput] | None = None,
    ) -> None:
        self._stdout = stdout
        self._stderr = stderr
        self._outputs = outputs if outputs is not None else []

    @property
    def stdout(self) -> str:
        return self._stdout.getvalue() if self._stdout is not None else ""

    @property
    def stderr(self) -> str:
        return self._stderr.getvalue() if self._stderr is not None else ""

    @property
    def outputs(self) -> list[RichOutput]:
        """The captured ``display()`` calls and results, in order."""
        return list(self._outputs)

    def __str__(self) -> str:
        return self.stdout

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} stdout={len(self.stdout)} chars, outputs={len(self._outputs)}>"
        )

    def show(self) -> None:
        """Write the captured text to the real streams and display the outputs again."""
        sys.stdout.write(self.stdout)
        sys.stderr.write(self.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        for output in self._outputs:
            output.display()

    __call__ = show


class CapturingSink:
    """An output sink that keeps displays and results; other calls go to the sink it wraps."""

    def __init__(self, wrapped: Any, outputs: list[RichOutput]) -> None:
        self.wrapped = wrapped
        self.outputs = outputs

    def display(
        self,
        data: dict[str, Any],
        metadata: dict[str, Any],
        transient: dict[str, Any] | None = None,
        update: bool = False,
    ) -> None:
        self.outputs.append(RichOutput(data, metadata, transient, update))

    def execute_result(
        self, execution_count: int, data: dict[str, Any], metadata: dict[str, Any]
    ) -> None:
        self.outputs.append(RichOutput(data, metadata))

    def clear_output(self, wait: bool = False) -> None:
        self.outputs.clear()

    def __getattr__(self, name: str) -> Any:
        # error, page, set_next_input, ask_exit and whatever a sink adds later
        return getattr(self.wrapped, name)


class capture_output:
    """Capture stdout, stderr and rich output (each can be turned off)."""

    def __init__(self, stdout: bool = True, stderr: bool = True, display: bool = True) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.display = display
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> CapturedIO:
        out = err = None
        outputs: list[RichOutput] = []
        if self.stdout:
            out = StringIO()
            self._swap(sys, "stdout", out)
        if self.stderr:
            err = StringIO()
            self._swap(sys, "stderr", err)
        shell = get_ipython() if self.display else None
        if shell is not None:
            self._swap(shell, "output", CapturingSink(shell.output, outputs))
        return CapturedIO(out, err, outputs)

    def _swap(self, owner: Any, name: str, value: Any) -> None:
        self._saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)
