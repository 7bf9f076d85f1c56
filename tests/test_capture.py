"""``capture_output`` and ``%%capture``: output is kept, then everything is put back.

The captures run in cells, in the shell's process; what they kept is read
there. A kernel gives each call its own ``sys.stdout``, so a test compares
the streams before and after within one cell.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from shellside import value_of

from legacy_shell.capture import capture_output


def run(shell: Any, code: str) -> None:
    """Run ``code`` (dedented) as a cell; it must succeed."""
    shell.run_cell(textwrap.dedent(code)).raise_error()


def test_capture_output_catches_stdout_stderr_and_displays(shell: Any) -> None:
    run(
        shell,
        """
        import sys
        from legacy_shell.capture import RichOutput, capture_output
        from legacy_shell.display import HTML, display
        sink = get_ipython().output
        with capture_output() as cap:
            print("to stdout")
            print("to stderr", file=sys.stderr)
            display(HTML("<b>rich</b>"))
            sink_while_capturing = get_ipython().output
        """,
    )
    assert value_of(shell, "sink_while_capturing is not sink") is True
    assert value_of(shell, "get_ipython().output is sink") is True
    assert value_of(shell, "cap.stdout") == "to stdout\n"
    assert value_of(shell, "cap.stderr") == "to stderr\n"
    assert value_of(shell, "len(cap.outputs)") == 1
    assert value_of(shell, "isinstance(cap.outputs[0], RichOutput)") is True
    assert value_of(shell, "cap.outputs[0].data['text/html']") == "<b>rich</b>"
    assert value_of(shell, "cap.outputs[0]._repr_html_()") == "<b>rich</b>"
    assert value_of(shell, "str(cap)") == "to stdout\n"


def test_capture_output_restores_streams_after_an_exception(shell: Any) -> None:
    result = shell.run_cell(
        textwrap.dedent(
            """
            import sys
            from legacy_shell.capture import capture_output
            out, err, sink = sys.stdout, sys.stderr, get_ipython().output
            try:
                with capture_output():
                    print("lost")
                    1 / 0
            finally:
                restored = sys.stdout is out and sys.stderr is err and get_ipython().output is sink
            """
        )
    )
    with pytest.raises(ZeroDivisionError):
        result.raise_error()
    assert shell.user_ns["restored"] is True


def test_capture_output_parts_can_be_turned_off(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        shell,
        """
        import sys
        from legacy_shell.capture import capture_output
        from legacy_shell.display import display
        with capture_output(stdout=False, display=False) as cap:
            print("shown")
            print("hidden", file=sys.stderr)
            display("also shown")
        """,
    )
    assert capsys.readouterr().out == "shown\n'also shown'\n"
    assert value_of(shell, "cap.stdout") == "" and value_of(shell, "cap.outputs") == []
    assert value_of(shell, "cap.stderr") == "hidden\n"


def test_capture_output_without_a_shell() -> None:
    from legacy_shell._current import use_shell

    with use_shell(None), capture_output() as cap:
        print("plain")
    assert cap.stdout == "plain\n"


def test_show_replays_what_was_captured(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    run(
        shell,
        """
        from legacy_shell.capture import capture_output
        from legacy_shell.display import display
        with capture_output() as cap:
            print("out")
            display([1, 2])
        """,
    )
    capsys.readouterr()
    run(shell, "cap()")
    assert capsys.readouterr().out == "out\n[1, 2]\n"


def test_clear_output_inside_a_capture_drops_captured_outputs(shell: Any) -> None:
    run(
        shell,
        """
        from legacy_shell.capture import capture_output
        from legacy_shell.display import clear_output, display
        with capture_output() as cap:
            display("old")
            clear_output()
            display("new")
        """,
    )
    assert value_of(shell, "[o.data['text/plain'] for o in cap.outputs]") == ["'new'"]


def test_capture_magic_stores_the_captured_io(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell = (
        "print('hello')\n"
        "import sys; print('oops', file=sys.stderr)\n"
        "from legacy_shell.display import display, Markdown\n"
        "display(Markdown('*md*'))\n"
        "6 * 7\n"
    )
    assert shell.run_cell_magic("capture", "cap", cell) is None
    assert capsys.readouterr().out == ""
    run(shell, "from legacy_shell.capture import CapturedIO")
    assert value_of(shell, "isinstance(cap, CapturedIO)") is True
    assert value_of(shell, "cap.stdout") == "hello\n"
    assert value_of(shell, "cap.stderr") == "oops\n"
    texts = value_of(shell, "[o.data['text/plain'] for o in cap.outputs]")
    assert texts[-1] == "42"  # the result is captured too
    assert value_of(shell, "cap.outputs[0].data['text/markdown']") == "*md*"


def test_capture_magic_through_run_cell(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("%%capture out\nprint('inside')\n", store_history=True)
    shell.run_cell("print(out.stdout.upper())", store_history=True)
    assert capsys.readouterr().out == "INSIDE\n\n"


def test_capture_magic_options(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell_magic("capture", "--no-stdout --no-display c", "print('seen')\n1 + 1\n")
    out = capsys.readouterr().out
    assert "seen" in out and "2" in out
    assert value_of(shell, "c.stdout") == "" and value_of(shell, "c.outputs") == []
    shell.run_cell_magic("capture", "--no-stderr d", "import sys; sys.stderr.write('err\\n')\n")
    assert capsys.readouterr().err == "err\n"
    assert value_of(shell, "d.stderr") == ""


def test_capture_magic_without_a_name_discards(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell_magic("capture", "", "print('gone')\n")
    assert capsys.readouterr().out == ""


def test_capture_magic_with_a_trailing_semicolon_stores_nothing(shell: Any) -> None:
    shell.user_ns["cap"] = "previous"
    shell.run_cell_magic("capture", "cap", "print('x');\n")
    assert "cap" not in shell.user_ns


def test_capture_magic_rejects_bad_arguments(shell: Any) -> None:
    from legacy_shell.errors import UsageError

    with pytest.raises(UsageError):
        shell.run_cell_magic("capture", "a b", "pass\n")
    with pytest.raises(UsageError):
        shell.run_cell_magic("capture", "--bogus", "pass\n")


def test_capture_restores_streams_when_the_cell_fails(shell: Any) -> None:
    run(
        shell,
        """
        import sys
        out, sink = sys.stdout, get_ipython().output
        get_ipython().run_cell_magic("capture", "cap", "raise ValueError('inside capture')\\n")
        restored = sys.stdout is out and get_ipython().output is sink
        """,
    )
    assert "ValueError: inside capture" in value_of(shell, "cap.stdout")
    assert shell.user_ns["restored"] is True
