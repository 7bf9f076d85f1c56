"""``obj?`` / ``obj??`` and the introspection magics: IPython's sections, in IPython's order."""

import json
import os
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

from legacy_shell.config import ShellConfig
from legacy_shell.inspector import Inspector, render_signature


def greet(name: str, punctuation: str = "!") -> str:
    """Say hello.

    Longer explanation."""
    return f"hello {name}{punctuation}"


class Widget:
    """A widget."""

    def __init__(self, size: int) -> None:
        """Make a widget of some size."""
        self.size = size

    def __call__(self, times: int) -> None:
        """Use the widget."""

    @property
    def area(self) -> int:
        """The area; reading it is an error in this test."""
        raise AssertionError("property evaluated")


def timer_magic(line: str) -> None:
    """Time a statement."""


def make_inspector(**namespace: Any) -> Inspector:
    shell = types.SimpleNamespace(
        user_ns=dict(namespace),
        magics_manager=types.SimpleNamespace(magics={"line": {"mytime": timer_magic}, "cell": {}}),
        config=ShellConfig(),
    )
    return Inspector(shell)


def fields(text: str) -> list[str]:
    """The section titles of an inspection text, in order."""
    return [line.split(":")[0] for line in text.splitlines() if line[:1].isupper() and ":" in line]


# -- the Inspector alone -------------------------------------------------------------------


def test_function_shows_signature_docstring_file_and_type() -> None:
    text = make_inspector(greet=greet).text("greet")
    assert text is not None
    assert fields(text) == ["Signature", "Docstring", "File", "Type"]
    assert text.startswith("Signature: greet(name: str, punctuation: str = '!') -> str\n")
    assert "Docstring:\nSay hello.\n\nLonger explanation.\n" in text
    assert "File:      " + __file__.replace(os.path.expanduser("~"), "~") in text
    assert text.endswith("Type:      function")


def test_double_question_mark_adds_the_source_instead_of_the_docstring() -> None:
    text = make_inspector(greet=greet).text("greet", detail_level=1)
    assert text is not None
    assert fields(text) == ["Signature", "Source", "File", "Type"]
    assert 'def greet(name: str, punctuation: str = "!") -> str:\n    """Say hello.' in text


def test_class_shows_init_signature_docstrings_and_subclasses() -> None:
    text = make_inspector(Widget=Widget).text("Widget")
    assert text == (
        "Init signature: Widget(size: int) -> None\n"
        "Docstring:      A widget.\n"
        "Init docstring: Make a widget of some size.\n"
        f"File:           {__file__.replace(os.path.expanduser('~'), '~')}\n"
        "Type:           type\n"
        "Subclasses:     "
    )


def test_callable_instance_shows_its_call_signature_and_docstrings() -> None:
    info = make_inspector(w=Widget(3)).info("w")
    assert info is not None
    assert info["definition"] == "w(times: int) -> None"
    assert info["init_docstring"] == "Make a widget of some size."
    assert info["call_docstring"] == "Use the widget."
    assert info["type_name"] == "Widget"


def test_properties_reached_through_an_instance_are_not_evaluated() -> None:
    text = make_inspector(w=Widget(3)).text("w.area")
    assert text is not None
    assert "Type:        property" in text
    assert "The area" in text


def test_module_shows_type_string_form_file_and_docstring() -> None:
    text = make_inspector(json=json).text("json")
    assert text is not None
    assert fields(text)[:4] == ["Type", "String form", "File", "Docstring"]
    assert "Type:        module\n" in text


def test_dotted_names_are_followed() -> None:
    text = make_inspector(os=os).text("os.path.join")
    assert text is not None
    assert text.startswith("Signature: os.path.join(a, *p)\n")


def test_builtin_function_without_source_says_what_it_can() -> None:
    inspector = make_inspector()
    expected = (
        "Signature: len(obj, /)\n"
        "Docstring: Return the number of items in a container.\n"
        "Type:      builtin_function_or_method"
    )
    assert inspector.text("len") == expected
    assert inspector.text("len", detail_level=1) == expected
    info = inspector.info("len", detail_level=1)
    assert info is not None and info["source"] is None and info["namespace"] == "Python builtin"


def test_instances_show_length_and_a_truncated_string_form() -> None:
    text = make_inspector(s="x" * 300).text("s")
    assert text is not None
    assert "Length:      300" in text
    assert " <...> " in text
    full = make_inspector(s="x" * 300).info("s", detail_level=1)
    assert full is not None and full["string_form"] == "x" * 300


def test_long_signatures_are_split_one_parameter_a_line() -> None:
    text = render_signature(json.dumps, "json.dumps")
    assert text is not None
    assert text.startswith("json.dumps(\n    obj,\n    *,\n    skipkeys=False,\n")


def test_magics_are_found_with_and_without_percent() -> None:
    inspector = make_inspector()
    assert inspector.text("%mytime") == inspector.text("mytime")
    info = inspector.info("%mytime")
    assert info is not None and info["ismagic"] and info["type_name"] == "Magic function"
    assert "Docstring: Time a statement." in (inspector.text("mytime") or "")


def test_a_variable_shadows_a_magic_of_the_same_name() -> None:
    info = make_inspector(mytime=42).info("mytime")
    assert info is not None and not info["ismagic"]


def test_missing_names_subscripts_and_calls_are_not_found() -> None:
    inspector = make_inspector(x=[1])
    assert inspector.info("nothere") is None
    assert inspector.text("x[0]") is None
    assert inspector.text("x.pop()") is None
    assert inspector.mime("nothere") is None


def test_mime_bundle_has_plain_text_and_escaped_html() -> None:
    bundle = make_inspector(Widget=Widget).mime("Widget")
    assert bundle is not None
    assert bundle["text/plain"].startswith("Init signature: Widget(size: int) -> None")
    assert bundle["text/html"].startswith("<pre>Init signature: Widget(size: int) -&gt; None")


# -- through the shell: obj?, obj?? and the magics -----------------------------------------


def define_in_shell(shell: Any, *names: str) -> None:
    """Give the shell this file's ``names``: the file is run in the shell's own process."""
    shell.run_cell(
        textwrap.dedent(
            f"""
            import runpy
            _examples = runpy.run_path({__file__!r})
            {", ".join(names)}, = [_examples[name] for name in {names!r}]
            del runpy, _examples
            """
        )
    ).raise_error()


def test_question_mark_on_a_builtin(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("len?")
    out = capsys.readouterr().out
    assert "Signature: len(obj, /)" in out
    assert "Docstring: Return the number of items in a container." in out


def test_double_question_mark_shows_a_cells_source(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell('def double(x):\n    "Twice x."\n    return 2 * x\n', store_history=True)
    shell.run_cell("double??")
    out = capsys.readouterr().out
    assert "Signature: double(x)" in out
    assert "Source:" in out and "return 2 * x" in out
    assert "File:      Cell In[1], line 1" in out


def test_missing_object(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("not_defined_anywhere?")
    assert capsys.readouterr().out == "Object `not_defined_anywhere` not found.\n"


def test_pdef_pdoc_psource(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    define_in_shell(shell, "greet", "Widget")
    shell.run_line_magic("pdef", "greet")
    assert capsys.readouterr().out == " greet(name: str, punctuation: str = '!') -> str\n"
    shell.run_line_magic("pdef", "Widget")
    assert capsys.readouterr().out == "Class constructor information:\n Widget(size: int) -> None\n"
    shell.run_line_magic("pdoc", "Widget")
    assert capsys.readouterr().out == (
        "Class docstring:\n    A widget.\nInit docstring:\n    Make a widget of some size.\n"
    )
    shell.run_line_magic("psource", "greet")
    assert capsys.readouterr().out.startswith("def greet(name: str")
    shell.run_line_magic("psource", "len")
    assert capsys.readouterr().out == "No source found for len\n"


def test_pfile_shows_the_file_from_the_definition(
    shell: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    define_in_shell(shell, "greet")
    shell.run_line_magic("pfile", "greet")
    assert capsys.readouterr().out.startswith("def greet(")
    shell.run_line_magic("pfile", "len")
    assert capsys.readouterr().out == "No file found for len\n"
    script = tmp_path / "viewme.py"
    script.write_text("print('viewed')\n")
    shell.run_line_magic("pfile", str(tmp_path / "viewme"))
    assert capsys.readouterr().out == "print('viewed')\n\n"


def test_psearch_wildcards(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("apple1 = 1\napple2 = 'two'\nimport json")
    capsys.readouterr()
    shell.run_line_magic("psearch", "appl*")
    assert capsys.readouterr().out == "apple1\napple2\n"
    shell.run_line_magic("psearch", "appl* str")
    assert capsys.readouterr().out == "apple2\n"
    shell.run_line_magic("psearch", "json.du*")
    assert capsys.readouterr().out == "json.dump\njson.dumps\n"
    shell.run_line_magic("psearch", "-e builtin a*")
    out = capsys.readouterr().out
    assert "apple1" in out and "abs" not in out


def test_pinfo_with_a_wildcard_searches(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("zebra_one = 1")
    capsys.readouterr()
    shell.run_line_magic("pinfo", "zebra_*")
    assert capsys.readouterr().out == "zebra_one\n"
