"""Display magics: ``%%html``, ``%%markdown``, ``%%javascript``, ``%%svg``, ``%%latex``,
``%%capture`` and ``%precision``.

The cell magics wrap the cell's text in the matching display class and
display it (the terminal shows only the ``text/plain`` stand-in; a notebook or
kernel client renders the real MIME type). The display modules are imported
inside the magics: this module is imported at every shell start.
"""

from __future__ import annotations

from typing import Any

from ..errors import UsageError
from ..magic import Magics, cell_magic, line_magic, magics_class

__all__ = ["DisplayMagics", "ends_with_semicolon"]


def ends_with_semicolon(cell: str) -> bool:
    """Does the cell's last statement end with ``;`` (its output is suppressed)?"""
    import io
    import tokenize

    ignored = {
        tokenize.NEWLINE,
        tokenize.NL,
        tokenize.COMMENT,
        tokenize.ENDMARKER,
        tokenize.INDENT,
        tokenize.DEDENT,
    }
    last = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(cell).readline):
            if token.type not in ignored:
                last = token
    except (tokenize.TokenError, SyntaxError):
        return cell.rstrip().endswith(";")
    return last is not None and last.type == tokenize.OP and last.string == ";"


@magics_class
class DisplayMagics(Magics):
    """Show a cell as HTML, Markdown, ...; capture a cell's output; float precision."""

    def _show(self, obj: Any, metadata: dict[str, Any] | None = None) -> None:
        from ..display import display

        display(obj, metadata=metadata)

    @cell_magic
    def html(self, line: str, cell: str) -> None:
        """Render the cell as HTML.

        Usage: %%html [--isolated]

        --isolated: render the cell in its own <iframe> (a hint to the frontend).
        """
        from ..display import HTML

        opts, _ = self.parse_options(line, "", "isolated")
        metadata = {"text/html": {"isolated": True}} if "isolated" in opts else None
        self._show(HTML(cell), metadata)

    @cell_magic
    def markdown(self, line: str, cell: str) -> None:
        """Render the cell as Markdown text."""
        from ..display import Markdown

        self._show(Markdown(cell))

    @cell_magic
    def javascript(self, line: str, cell: str) -> None:
        """Run the cell as Javascript in the frontend (a notebook; not the terminal)."""
        from ..display import Javascript

        self._show(Javascript(cell))

    @cell_magic
    def js(self, line: str, cell: str) -> None:
        """Run the cell as Javascript in the frontend (alias of %%javascript)."""
        self.javascript(line, cell)

    @cell_magic
    def svg(self, line: str, cell: str) -> None:
        """Render the cell as an SVG literal."""
        from ..display import SVG

        self._show(SVG(cell))

    @cell_magic
    def latex(self, line: str, cell: str) -> None:
        """Render the cell as a block of LaTeX (math and simple commands)."""
        from ..display import Latex

        self._show(Latex(cell))

    @cell_magic
    def capture(self, line: str, cell: str) -> None:
        """Run the cell, capturing stdout, stderr and rich display() output.

        Usage: %%capture [--no-stderr] [--no-stdout] [--no-display] [output]

        output: the variable that receives the CapturedIO object (with .stdout,
        .stderr, .outputs, and .show() to replay it). Without a name the output
        is discarded. A cell ending in ';' stores nothing (and removes the name).
        """
        from ..capture import capture_output

        opts, args = self.parse_options(
            line, "", "no-stderr", "no-stdout", "no-display", mode="list"
        )
        if len(args) > 1:
            raise UsageError(f"%%capture takes at most one variable name, got: {' '.join(args)}")
        name = args[0] if args else ""
        if name and not name.isidentifier():
            raise UsageError(f"%%capture: {name!r} is not a valid variable name")
        with capture_output(
            stdout="no-stdout" not in opts,
            stderr="no-stderr" not in opts,
            display="no-display" not in opts,
        ) as captured:
            self.shell.run_cell(cell)
        if ends_with_semicolon(cell):
            self.shell.user_ns.pop(name, None)
        elif name:
            self.shell.user_ns[name] = captured

    @line_magic
    def precision(self, line: str = "") -> str:
        """Set the precision for pretty-printing floats (also inside containers).

        Usage: %precision [n | format]

        n: an integer number of decimals (like '%.nf'); a format string with '%'
        is used as given (e.g. '%.3e'); with no argument, back to repr(). If
        numpy is imported, its print precision is set too. Returns the format.
        """
        formatter = self.shell.display_formatter.formatters["text/plain"]
        try:
            formatter.float_precision = line.strip()
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return str(formatter.float_format)
