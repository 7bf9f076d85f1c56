"""``capture_output`` and ``%%capture``: output is kept, then everything is put back."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from legacy_shell.capture import CapturedIO, RichOutput, capture_output
from legacy_shell.display import HTML, display


def test_capture_output_catches_stdout_stderr_and_displays(shell: Any) -> None:
    sink = shell.output
    with capture_output() as cap:
        print("to stdout")
        print("to stderr", file=sys.stderr)
        display(HTML("<b>rich</b>"))
        assert shell.output is not sink
    assert shell.output is sink
    assert cap.stdout == "to stdout\n"
    assert cap.stderr == "to stderr\n"
    (output,) = cap.outputs
    assert isinstance(output, RichOutput)
    assert output.data["text/html"] == "<b>rich</b>"
    assert output._repr_html_() == "<b>rich</b>"
    assert str(cap) == "to stdout\n"


def test_capture_output_restores_streams_after_an_exception(shell: Any) -> None:
    out, err, sink = sys.stdout, sys.stderr, shell.output
    with pytest.raises(ZeroDivisionError), capture_output():
        print("lost")
        1 / 0  # noqa: B018
    assert sys.stdout is out and sys.stderr is err and shell.output is sink


def test_capture_output_parts_can_be_turned_off(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with capture_output(stdout=False, display=False) as cap:
        print("shown")
        print("hidden", file=sys.stderr)
        display("also shown")
    assert cap.stdout == "" and cap.outputs == []
    assert cap.stderr == "hidden\n"
    assert capsys.readouterr().out == "shown\n'also shown'\n"


def test_capture_output_without_a_shell() -> None:
    from legacy_shell._current import use_shell

    with use_shell(None), capture_output() as cap:
        print("plain")
    assert cap.stdout == "plain\n"


def test_show_replays_what_was_captured(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with capture_output() as cap:
        print("out")
        display([1, 2])
    capsys.readouterr()
    cap()
    assert capsys.readouterr().out == "out\n[1, 2]\n"


def test_clear_output_inside_a_capture_drops_captured_outputs(shell: Any) -> None:
    from legacy_shell.display import clear_output

    with capture_output() as cap:
        display("old")
        clear_output()
        display("new")
    assert [o.data["text/plain"] for o in cap.outputs] == ["'new'"]


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
    cap = shell.user_ns["cap"]
    assert isinstance(cap, CapturedIO)
    assert cap.stdout == "hello\n"
    assert cap.stderr == "oops\n"
    assert [o.data["text/plain"] for o in cap.outputs][-1] == "42"  # the result is captured too
    assert cap.outputs[0].data["text/markdown"] == "*md*"


def test_capture_magic_through_run_cell(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("%%capture out\nprint('inside')\n", store_history=True)
    shell.run_cell("print(out.stdout.upper())", store_history=True)
    assert capsys.readouterr().out == "INSIDE\n\n"


def test_capture_magic_options(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell_magic("capture", "--no-stdout --no-display c", "print('seen')\n1 + 1\n")
    out = capsys.readouterr().out
    assert "seen" in out and "2" in out
    assert shell.user_ns["c"].stdout == "" and shell.user_ns["c"].outputs == []
    shell.run_cell_magic("capture", "--no-stderr d", "import sys; sys.stderr.write('err\\n')\n")
    assert capsys.readouterr().err == "err\n"
    assert shell.user_ns["d"].stderr == ""


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
    out, sink = sys.stdout, shell.output
    shell.run_cell_magic("capture", "cap", "raise ValueError('inside capture')\n")
    assert sys.stdout is out and shell.output is sink
