"""``display()``, the display classes and the display magics, through a shell.

What a test displays runs in a cell, so it reaches the shell under test
wherever that shell lives; the objects to format are made there too.
"""

from __future__ import annotations

import base64
import importlib
import struct
import textwrap
import zlib
from pathlib import Path
from typing import Any

import pytest
from shellside import value_of

from legacy_shell._current import use_shell

disp = importlib.import_module("legacy_shell.display")

#: An output sink that records every call instead of showing anything; the
#: ``sink`` fixture defines it in the shell's process and makes it the shell's output.
RECORDING_SINK = """
class RecordingSink:
    def __init__(self):
        self.calls = []

    def display(self, data, metadata, transient=None, update=False):
        self.calls.append(("display", data, metadata, transient, update))

    def execute_result(self, execution_count, data, metadata):
        self.calls.append(("execute_result", execution_count, data, metadata))

    def error(self, ename, evalue, traceback):
        self.calls.append(("error", ename, evalue))

    def clear_output(self, wait=False):
        self.calls.append(("clear_output", wait))

    def page(self, data, start=0):
        self.calls.append(("page", data))

    def set_next_input(self, text, replace=False):
        self.calls.append(("set_next_input", text))

    def ask_exit(self, keep_kernel=False):
        self.calls.append(("ask_exit",))
"""


def run(shell: Any, code: str) -> None:
    """Run ``code`` (dedented) as a cell; it must succeed."""
    shell.run_cell(textwrap.dedent(code)).raise_error()


def formatted(shell: Any, expression: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``display_formatter.format`` of the object ``expression`` makes in the shell."""
    return shell.display_formatter.format(value_of(shell, expression))


class RecordedCalls:
    """What the shell's recording sink received, read from the shell's process."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell

    @property
    def calls(self) -> list[tuple[Any, ...]]:
        return list(value_of(self.shell, "get_ipython().output.calls"))

    def displays(self) -> list[tuple[Any, ...]]:
        return [c for c in self.calls if c[0] == "display"]


@pytest.fixture
def sink(shell: Any) -> RecordedCalls:
    run(shell, RECORDING_SINK + "\nget_ipython().output = RecordingSink()\ndel RecordingSink\n")
    return RecordedCalls(shell)


def tiny_png(width: int = 4, height: int = 2) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# -- display() -------------------------------------------------------------------


def test_display_sends_every_format_to_the_output_sink(shell: Any, sink: RecordedCalls) -> None:
    run(
        shell,
        "from legacy_shell.display import HTML, display\ndisplay(HTML('<b>hi</b>'), {'a': 1})",
    )
    (first, second) = sink.displays()
    assert first[1]["text/html"] == "<b>hi</b>"
    assert first[1]["text/plain"] == "<legacy_shell.display_objects.HTML object>"
    assert second[1] == {"text/plain": "{'a': 1}"}


def test_display_from_a_cell(shell: Any, sink: RecordedCalls) -> None:
    shell.run_cell("from legacy_shell.display import display, Markdown\ndisplay(Markdown('# T'))")
    (call,) = sink.displays()
    assert call[1]["text/markdown"] == "# T"


def test_display_metadata_is_merged(shell: Any, sink: RecordedCalls) -> None:
    shell.push({"png": tiny_png()})
    run(
        shell,
        """
        from legacy_shell.display import Image, display
        display(Image(png, width=40), metadata={"image/png": {"height": 20}})
        """,
    )
    (call,) = sink.displays()
    assert call[2] == {"image/png": {"width": 40, "height": 20}}


def test_display_raw_sends_the_bundle_as_given(shell: Any, sink: RecordedCalls) -> None:
    run(
        shell,
        """
        from legacy_shell.display import display
        display({"text/plain": "raw", "text/x-custom": "c"}, raw=True, metadata={"k": 1})
        """,
    )
    assert sink.displays() == [
        ("display", {"text/plain": "raw", "text/x-custom": "c"}, {"k": 1}, None, False)
    ]


def test_display_include_and_exclude(shell: Any, sink: RecordedCalls) -> None:
    run(
        shell,
        """
        from legacy_shell.display import HTML, display
        display(HTML("<i/>"), include=["text/html"])
        display(HTML("<i/>"), exclude=["text/html"])
        """,
    )
    first, second = sink.displays()
    assert set(first[1]) == {"text/html"}
    assert set(second[1]) == {"text/plain"}


def test_an_object_that_displays_itself_sends_nothing_of_its_own(
    shell: Any, sink: RecordedCalls
) -> None:
    run(
        shell,
        """
        from legacy_shell.display import Markdown, display

        class SelfShowing:
            def _ipython_display_(self):
                display(Markdown("*from inside*"))

        display(SelfShowing())
        """,
    )
    (call,) = sink.displays()
    assert call[1]["text/markdown"] == "*from inside*"


def test_display_id_gives_a_handle_that_updates_in_place(shell: Any, sink: RecordedCalls) -> None:
    run(
        shell,
        """
        from legacy_shell.display import DisplayHandle, display
        handle = display("first", display_id=True)
        handle.update("second")
        handle.display("third")
        """,
    )
    assert value_of(shell, "isinstance(handle, DisplayHandle)") is True
    (shown, updated, again) = sink.displays()
    ident = value_of(shell, "handle.display_id")
    assert (
        shown[1]["text/plain"] == "'first'" and shown[3] == {"display_id": ident} and not shown[4]
    )
    assert (
        updated[1]["text/plain"] == "'second'"
        and updated[3] == {"display_id": ident}
        and updated[4]
    )
    assert again[1]["text/plain"] == "'third'" and not again[4]


def test_update_display_by_id(shell: Any, sink: RecordedCalls) -> None:
    run(
        shell,
        """
        from legacy_shell.display import display, update_display
        display("a", display_id="mine")
        update_display("b", display_id="mine")
        """,
    )
    assert [c[3] for c in sink.displays()] == [{"display_id": "mine"}] * 2
    assert sink.displays()[1][4] is True


def test_display_id_without_objects_makes_an_empty_output(shell: Any, sink: RecordedCalls) -> None:
    run(shell, "from legacy_shell.display import display\nhandle = display(display_id='slot')")
    assert value_of(shell, "handle is not None and handle.display_id") == "slot"
    assert sink.displays() == [("display", {}, {}, {"display_id": "slot"}, False)]


def test_clear_output_goes_to_the_sink(shell: Any, sink: RecordedCalls) -> None:
    run(
        shell,
        """
        from legacy_shell.display import clear_output, display
        clear_output()
        clear_output(wait=True)
        display("x", clear=True)
        """,
    )
    calls = sink.calls
    clears = [c for c in calls if c[0] == "clear_output"]
    assert clears == [("clear_output", False), ("clear_output", True), ("clear_output", True)]
    assert calls[-1][0] == "display"  # clear=True clears before showing


def test_display_is_importable_from_the_package_and_callable(
    shell: Any, sink: RecordedCalls
) -> None:
    assert disp.display is not None and callable(disp)
    run(
        shell,
        """
        from legacy_shell import HTML, display
        import legacy_shell.display as disp
        display(HTML("<p/>"))
        disp("via the module")
        """,
    )
    assert [c[1].get("text/html") for c in sink.displays()] == ["<p/>", None]


def test_display_in_a_terminal_prints_text_plain(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run(shell, "from legacy_shell.display import display\ndisplay([1, 2], 's')")
    assert capsys.readouterr().out == "[1, 2]\n's'\n"


def test_display_outside_a_shell_prints(capsys: pytest.CaptureFixture[str]) -> None:
    with use_shell(None):
        assert disp.display("x", 1) is None
    assert capsys.readouterr().out == "x 1\n"


def test_display_functions_for_one_mime_type(shell: Any, sink: RecordedCalls) -> None:
    run(
        shell,
        """
        from legacy_shell.display import (
            Markdown, display_html, display_json, display_markdown, display_pretty,
        )
        display_html("<p>raw</p>", raw=True)
        display_markdown(Markdown("*m*"))
        display_json({"a": 1}, raw=True, metadata={"expanded": True})
        display_pretty("plain text", raw=True)
        """,
    )
    displays = sink.displays()
    bundles = [c[1] for c in displays]
    assert bundles == [
        {"text/html": "<p>raw</p>"},
        {"text/markdown": "*m*"},
        {"application/json": {"a": 1}},
        {"text/plain": "plain text"},
    ]
    assert displays[2][2] == {"application/json": {"expanded": True}}


# -- display classes ---------------------------------------------------------------


def test_text_display_classes(shell: Any) -> None:
    run(shell, "from legacy_shell.display import HTML, Javascript, Latex, Markdown, Math, Pretty")
    assert formatted(shell, "HTML('<b/>')")[0]["text/html"] == "<b/>"
    assert formatted(shell, "Markdown('*x*')")[0]["text/markdown"] == "*x*"
    assert formatted(shell, "Latex('$x$')")[0]["text/latex"] == "$x$"
    assert formatted(shell, "Math('x^2')")[0]["text/latex"] == r"$\displaystyle x^2$"
    assert formatted(shell, "Javascript('alert(1)')")[0]["application/javascript"] == "alert(1)"
    assert formatted(shell, "Pretty('as is')")[0] == {"text/plain": "as is"}
    _, md = formatted(shell, "HTML('<b/>', metadata={'isolated': True})")
    assert md == {"text/html": {"isolated": True}}
    with pytest.raises(TypeError):
        disp.HTML(b"bytes")  # type: ignore[arg-type]


def test_display_classes_read_files(shell: Any, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<h1>file</h1>")
    assert disp.HTML(str(page))._repr_html_() == "<h1>file</h1>"
    assert disp.HTML(filename=str(page)).data == "<h1>file</h1>"


def test_svg_keeps_only_the_svg_element(shell: Any) -> None:
    doc = (
        '<?xml version="1.0"?><!-- comment --><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    )
    shell.push({"doc": doc})
    run(shell, "from legacy_shell.display import SVG")
    data = formatted(shell, "SVG(doc)")[0]["image/svg+xml"]
    assert data.startswith("<svg") and "<rect/>" in data


def test_json_display(shell: Any) -> None:
    run(shell, "from legacy_shell.display import JSON")
    data, md = formatted(shell, "JSON({'a': [1, 2]}, expanded=True)")
    assert data["application/json"] == {"a": [1, 2]}
    assert md["application/json"] == {"expanded": True, "root": "root"}
    with pytest.warns(UserWarning, match="JSON strings"):
        assert disp.JSON('{"b": 2}').data == {"b": 2}
    with pytest.raises(TypeError):
        disp.JSON(3)


def test_image_from_bytes_detects_png_and_embeds_base64(shell: Any) -> None:
    png = tiny_png()
    shell.push({"png": png})
    run(shell, "from legacy_shell.display import Image\nimage = Image(png, width=100)")
    assert value_of(shell, "image.format") == "png"
    data, md = formatted(shell, "image")
    assert base64.b64decode(data["image/png"]) == png
    assert md == {"image/png": {"width": 100}}
    assert "image/jpeg" not in data


def test_image_detects_jpeg_by_magic_bytes(shell: Any) -> None:
    shell.push({"jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 20})
    run(shell, "from legacy_shell.display import Image\nimage = Image(jpeg)")
    assert value_of(shell, "image.format") == "jpeg"
    assert "image/jpeg" in formatted(shell, "image")[0]


def test_image_from_a_file_and_retina(shell: Any, tmp_path: Path) -> None:
    path = tmp_path / "pic.png"
    path.write_bytes(tiny_png(8, 6))
    image = disp.Image(filename=str(path), retina=True)
    assert (image.width, image.height) == (4, 3)
    assert disp.Image(str(path)).data == path.read_bytes()


def test_image_by_url_is_linked_not_embedded(shell: Any) -> None:
    run(
        shell,
        """
        from legacy_shell.display import Image
        image = Image(url="http://example.invalid/cat.jpg", width=30)
        """,
    )
    assert not value_of(shell, "image.embed")
    data, _ = formatted(shell, "image")
    assert data["text/html"] == '<img src="http://example.invalid/cat.jpg" width="30"/>'
    assert "image/jpeg" not in data


def test_image_needs_data() -> None:
    with pytest.raises(ValueError, match="No image data"):
        disp.Image()
    with pytest.raises(ValueError, match="Cannot embed"):
        disp.Image(b"data", format="tiff")


# -- display magics ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("magic", "mime", "body"),
    [
        ("html", "text/html", "<b>bold</b>"),
        ("markdown", "text/markdown", "# Title"),
        ("latex", "text/latex", r"$\alpha$"),
        ("javascript", "application/javascript", "console.log(1)"),
        ("js", "application/javascript", "console.log(2)"),
        ("svg", "image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>'),
    ],
)
def test_cell_magics_display_their_mime_type(
    shell: Any, sink: RecordedCalls, magic: str, mime: str, body: str
) -> None:
    result = shell.run_cell(f"%%{magic}\n{body}\n")
    assert result.success
    (call,) = sink.displays()
    if mime == "image/svg+xml":
        assert call[1][mime].startswith("<svg") and "circle" in call[1][mime]
    else:
        assert call[1][mime].strip() == body
    assert "text/plain" in call[1]


def test_html_isolated_sets_metadata(shell: Any, sink: RecordedCalls) -> None:
    shell.run_cell_magic("html", "--isolated", "<p>own frame</p>")
    (call,) = sink.displays()
    assert call[2] == {"text/html": {"isolated": True}}


def test_html_magic_in_the_terminal_shows_the_stand_in(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("%%html\n<b>x</b>\n")
    assert "HTML object>" in capsys.readouterr().out


def test_precision_magic(shell: Any, sink: RecordedCalls) -> None:
    assert shell.run_line_magic("precision", "3") == "%.3f"
    shell.run_cell("3.14159", store_history=True)
    shell.run_cell("[3.14159, 2.0]", store_history=True)
    results = [c[2]["text/plain"] for c in sink.calls if c[0] == "execute_result"]
    assert results == ["3.142", "[3.142, 2.000]"]
    assert shell.run_line_magic("precision", "%.1e") == "%.1e"
    assert shell.display_formatter.format(31.4)[0]["text/plain"] == "3.1e+01"
    assert shell.run_line_magic("precision", "") == "%r"
    assert shell.display_formatter.format(3.14159)[0]["text/plain"] == "3.14159"


def test_precision_magic_rejects_nonsense(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from legacy_shell.errors import UsageError

    with pytest.raises(UsageError, match="Precision must be int or format string"):
        shell.run_line_magic("precision", "lots")
