"""The formatter registry and the pretty ``text/plain`` form (unit level, no shell needed)."""

from __future__ import annotations

import collections
import re
import warnings

import pytest

from legacy_shell.formatters import DisplayFormatter, FormatterWarning, get_real_method
from legacy_shell.pretty import CallExpression
from legacy_shell.pretty_printers import pretty


@pytest.fixture
def fmt() -> DisplayFormatter:
    return DisplayFormatter()


def plain(fmt: DisplayFormatter, obj: object) -> str:
    return fmt.format(obj)[0]["text/plain"]


class Thing:
    pass


# -- the registry ---------------------------------------------------------------


def test_every_usual_mime_type_has_a_formatter(fmt: DisplayFormatter) -> None:
    assert set(fmt.formatters) == {
        "text/plain",
        "text/html",
        "text/markdown",
        "image/svg+xml",
        "image/png",
        "image/jpeg",
        "application/json",
        "text/latex",
        "application/javascript",
        "application/pdf",
    }
    assert fmt.formatters["text/html"].print_method == "_repr_html_"
    assert fmt.active_types == fmt.format_types


def test_a_plain_object_has_only_text_plain(fmt: DisplayFormatter) -> None:
    data, metadata = fmt.format(Thing())
    assert list(data) == ["text/plain"]
    assert re.fullmatch(r"<test_formatters\.Thing at 0x[0-9a-f]+>", data["text/plain"])
    assert metadata == {}


def test_for_type_registers_and_returns_the_previous_function(fmt: DisplayFormatter) -> None:
    html = fmt.formatters["text/html"]
    first = lambda obj: "<b>one</b>"  # noqa: E731
    assert html.for_type(Thing, first) is None
    assert fmt.format(Thing())[0]["text/html"] == "<b>one</b>"
    assert html.for_type(Thing, lambda obj: "<b>two</b>") is first
    assert html.for_type(Thing) is not first  # func=None only asks
    assert Thing in html
    assert html.pop(Thing)(None) == "<b>two</b>"
    assert "text/html" not in fmt.format(Thing())[0]
    with pytest.raises(KeyError):
        html.pop(Thing)
    assert html.pop(Thing, "default") == "default"


def test_for_type_applies_to_subclasses(fmt: DisplayFormatter) -> None:
    class Sub(Thing):
        pass

    fmt.formatters["text/markdown"].for_type(Thing, lambda obj: "*thing*")
    assert fmt.format(Sub())[0]["text/markdown"] == "*thing*"


def test_for_type_by_name_binds_when_the_class_is_first_seen(fmt: DisplayFormatter) -> None:
    latex = fmt.formatters["text/latex"]
    assert latex.for_type_by_name(__name__, "Thing", lambda obj: "$x$") is None
    assert latex.lookup_by_type(f"{__name__}.Thing")(None) == "$x$"
    assert fmt.format(Thing())[0]["text/latex"] == "$x$"
    assert latex.lookup(Thing())(None) == "$x$"  # now bound to the class itself
    assert latex.pop(f"{__name__}.Thing")(None) == "$x$"


def test_for_type_accepts_a_dotted_name(fmt: DisplayFormatter) -> None:
    fmt.formatters["text/html"].for_type(f"{__name__}.Thing", lambda obj: "<i>t</i>")
    assert fmt.format(Thing())[0]["text/html"] == "<i>t</i>"


@pytest.mark.parametrize(
    ("method", "mime", "value"),
    [
        ("_repr_html_", "text/html", "<b>x</b>"),
        ("_repr_markdown_", "text/markdown", "**x**"),
        ("_repr_svg_", "image/svg+xml", "<svg></svg>"),
        ("_repr_png_", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("_repr_jpeg_", "image/jpeg", b"\xff\xd8\xff"),
        ("_repr_pdf_", "application/pdf", b"%PDF-1.4"),
        ("_repr_latex_", "text/latex", "$x^2$"),
        ("_repr_json_", "application/json", {"a": [1, 2]}),
        ("_repr_javascript_", "application/javascript", "console.log(1)"),
    ],
)
def test_each_repr_method_gives_its_mime_type(
    fmt: DisplayFormatter, method: str, mime: str, value: object
) -> None:
    obj = type("Rich", (), {method: lambda self: value})()
    data, _ = fmt.format(obj)
    assert data[mime] == value
    assert "text/plain" in data


def test_a_repr_method_may_return_data_and_metadata(fmt: DisplayFormatter) -> None:
    class Png:
        def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
            return b"\x89PNG", {"width": 10}

    data, metadata = fmt.format(Png())
    assert data["image/png"] == b"\x89PNG"
    assert metadata == {"image/png": {"width": 10}}


def test_an_exception_in_repr_html_is_reported_and_other_formats_survive(
    fmt: DisplayFormatter, capsys: pytest.CaptureFixture[str]
) -> None:
    class Broken:
        def _repr_html_(self) -> str:
            raise ValueError("html is broken")

        def _repr_markdown_(self) -> str:
            return "*still here*"

    data, _ = fmt.format(Broken())
    assert "text/html" not in data
    assert data["text/markdown"] == "*still here*"
    assert "text/plain" in data
    err = capsys.readouterr().err
    assert "text/html formatter failed" in err
    assert "Traceback (most recent call last)" in err
    assert "ValueError: html is broken" in err
    assert "_repr_html_" in err


def test_not_implemented_error_skips_the_format_silently(
    fmt: DisplayFormatter, capsys: pytest.CaptureFixture[str]
) -> None:
    class Shy:
        def _repr_html_(self) -> str:
            raise NotImplementedError

    assert "text/html" not in fmt.format(Shy())[0]
    assert capsys.readouterr().err == ""


def test_a_wrong_return_type_is_warned_about_and_skipped(fmt: DisplayFormatter) -> None:
    class Odd:
        def _repr_html_(self) -> int:
            return 42

    with pytest.warns(FormatterWarning, match="text/html formatter returned invalid type"):
        data, _ = fmt.format(Odd())
    assert "text/html" not in data


def test_a_broken_repr_still_gives_some_text_plain(
    fmt: DisplayFormatter, capsys: pytest.CaptureFixture[str]
) -> None:
    class NoRepr:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    text = plain(fmt, NoRepr())
    assert "NoRepr object at 0x" in text
    assert "RuntimeError: no repr" in capsys.readouterr().err


def test_mimebundle_is_merged_and_gets_include_exclude(fmt: DisplayFormatter) -> None:
    seen: dict[str, object] = {}

    class Bundle:
        def _repr_mimebundle_(self, include=None, exclude=None):  # type: ignore[no-untyped-def]
            seen.update(include=include, exclude=exclude)
            return (
                {"text/html": "<p>bundle</p>", "application/x-custom": "c", "text/plain": "B"},
                {"text/html": {"isolated": True}},
            )

        def _repr_html_(self) -> str:
            return "<p>method</p>"

        def _repr_markdown_(self) -> str:
            return "md"

    data, metadata = fmt.format(Bundle())
    assert data["text/html"] == "<p>bundle</p>"  # the bundle wins over _repr_html_
    assert data["application/x-custom"] == "c"
    assert data["text/plain"] == "B"
    assert data["text/markdown"] == "md"
    assert metadata == {"text/html": {"isolated": True}}

    data, metadata = fmt.format(
        Bundle(), include={"text/html", "text/plain"}, exclude={"text/plain"}
    )
    assert seen == {"include": {"text/html", "text/plain"}, "exclude": {"text/plain"}}
    assert data == {"text/html": "<p>bundle</p>"}


def test_a_registered_function_wins_over_the_mimebundle(fmt: DisplayFormatter) -> None:
    class Bundle:
        def _repr_mimebundle_(self, include=None, exclude=None):  # type: ignore[no-untyped-def]
            return {"text/html": "<p>bundle</p>"}

    fmt.formatters["text/html"].for_type(Bundle, lambda obj: "<p>registered</p>")
    assert fmt.format(Bundle())[0]["text/html"] == "<p>registered</p>"


def test_ipython_display_takes_over(fmt: DisplayFormatter) -> None:
    calls = []

    class SelfShowing:
        def _ipython_display_(self) -> None:
            calls.append("shown")

        def _repr_html_(self) -> str:
            return "<p>never asked</p>"

    assert fmt.format(SelfShowing()) == ({}, {})
    assert calls == ["shown"]


def test_include_and_exclude_select_mime_types(fmt: DisplayFormatter) -> None:
    class Both:
        def _repr_html_(self) -> str:
            return "<b/>"

        def _repr_markdown_(self) -> str:
            return "**"

    assert set(fmt.format(Both(), include=["text/html"])[0]) == {"text/html"}
    assert set(fmt.format(Both(), exclude=["text/html"])[0]) == {"text/plain", "text/markdown"}


def test_active_types_switches_formatters_on_and_off(fmt: DisplayFormatter) -> None:
    class Both:
        def _repr_html_(self) -> str:
            return "<b/>"

    fmt.active_types = ["text/plain"]
    assert fmt.active_types == ["text/plain"]
    assert list(fmt.format(Both())[0]) == ["text/plain"]
    fmt.active_types = fmt.format_types
    assert "text/html" in fmt.format(Both())[0]


def test_classes_and_attribute_claiming_objects_are_not_asked_for_methods() -> None:
    class Everything:
        def __getattr__(self, name: str) -> object:
            return lambda *a, **k: "anything"

    class WithHtml:
        def _repr_html_(self) -> str:
            return "<b/>"

    assert get_real_method(Everything(), "_repr_html_") is None
    assert get_real_method(WithHtml, "_repr_html_") is None
    assert get_real_method(WithHtml(), "_repr_html_") is not None
    assert "text/html" not in DisplayFormatter().format(Everything())[0]


# -- text/plain ------------------------------------------------------------------


def test_short_containers_stay_on_one_line(fmt: DisplayFormatter) -> None:
    assert plain(fmt, {"a": 1, "b": 2}) == "{'a': 1, 'b': 2}"
    assert plain(fmt, {"b": 1, "a": 2}) == "{'b': 1, 'a': 2}"  # insertion order kept
    assert plain(fmt, (1,)) == "(1,)"
    assert plain(fmt, {3, 1, 2}) == "{1, 2, 3}"
    assert plain(fmt, set()) == "set()"
    assert plain(fmt, frozenset({2, 1})) == "frozenset({1, 2})"
    assert plain(fmt, [None, True, ..., "s", b"b"]) == "[None, True, Ellipsis, 's', b'b']"


def test_long_lists_print_one_item_per_line(fmt: DisplayFormatter) -> None:
    assert plain(fmt, list(range(30))) == "[" + ",\n ".join(map(str, range(30))) + "]"


def test_nested_containers_indent_like_ipython(fmt: DisplayFormatter) -> None:
    value = {"key": list(range(25)), "other": "x" * 20}
    expected = (
        "{'key': [0,\n  "
        + ",\n  ".join(map(str, range(1, 25)))
        + "],\n 'other': 'xxxxxxxxxxxxxxxxxxxx'}"
    )
    assert plain(fmt, value) == expected


def test_recursive_containers_print_ellipses(fmt: DisplayFormatter) -> None:
    items: list[object] = [1]
    items.append(items)
    mapping: dict[str, object] = {}
    mapping["self"] = mapping
    assert plain(fmt, items) == "[1, [...]]"
    assert plain(fmt, mapping) == "{'self': {...}}"


def test_builtin_types_print_as_ipython_does(fmt: DisplayFormatter) -> None:
    assert plain(fmt, int) == "int"
    assert plain(fmt, Thing) == "test_formatters.Thing"
    assert plain(fmt, len) == "<function len(obj, /)>"
    assert plain(fmt, ValueError("bad", 2)) == "ValueError('bad', 2)"
    assert plain(fmt, collections.Counter("aab")) == "Counter({'a': 2, 'b': 1})"
    assert plain(fmt, collections.deque([1], maxlen=2)) == "deque([1], maxlen=2)"
    assert plain(fmt, collections.defaultdict(list)) == "defaultdict(list, {})"
    assert plain(fmt, re.compile("a+", re.I)) == "re.compile(r'a+', re.IGNORECASE|re.UNICODE)"


def test_very_long_sequences_are_cut(fmt: DisplayFormatter) -> None:
    text = plain(fmt, list(range(1500)))
    assert text.endswith("999,\n ...]")


def test_repr_pretty_protocol(fmt: DisplayFormatter) -> None:
    class Tree:
        def __init__(self, *children: object) -> None:
            self.children = children

        def _repr_pretty_(self, p, cycle):  # type: ignore[no-untyped-def]
            with p.group(5, "Tree(", ")"):
                for idx, child in enumerate(self.children):
                    if idx:
                        p.text(",")
                        p.breakable()
                    p.pretty(child)

    assert plain(fmt, Tree(1, "a")) == "Tree(1, 'a')"
    assert plain(fmt, [Tree(Tree())]) == "[Tree(Tree())]"
    wide = plain(fmt, Tree(*["x" * 30] * 3))
    assert wide == "Tree('" + "x" * 30 + "',\n     '" + "x" * 30 + "',\n     '" + "x" * 30 + "')"


def test_printer_begin_and_end_group(fmt: DisplayFormatter) -> None:
    class Pair:
        def _repr_pretty_(self, p, cycle):  # type: ignore[no-untyped-def]
            p.begin_group(1, "<")
            p.text("a")
            p.breakable("|")
            p.text("b")
            p.end_group(1, ">")

    assert plain(fmt, Pair()) == "<a|b>"


def test_for_type_on_text_plain_takes_ipython_style_functions(fmt: DisplayFormatter) -> None:
    fmt.formatters["text/plain"].for_type(Thing, lambda obj, p, cycle: p.text("<a thing>"))
    assert plain(fmt, Thing()) == "<a thing>"
    assert plain(fmt, [Thing(), Thing()]) == "[<a thing>, <a thing>]"


def test_for_type_on_text_plain_takes_one_argument_functions(fmt: DisplayFormatter) -> None:
    fmt.formatters["text/plain"].for_type(Thing, lambda obj: "THING")
    assert plain(fmt, {"k": Thing()}) == "{'k': THING}"


def test_text_plain_for_type_overrides_a_builtin_type(fmt: DisplayFormatter) -> None:
    text_plain = fmt.formatters["text/plain"]
    old = text_plain.for_type(int, lambda n, p, cycle: p.text(hex(n)))
    assert plain(fmt, [255, 16]) == "[0xff, 0x10]"
    text_plain.for_type(int, old)
    assert plain(fmt, [255]) == "[255]"


@pytest.mark.parametrize(
    ("precision", "text"),
    [("3", "3.142"), (3, "3.142"), ("%.2e", "3.14e+00"), ("0", "3"), ("", "3.14159")],
)
def test_float_precision(fmt: DisplayFormatter, precision: object, text: str) -> None:
    fmt.formatters["text/plain"].float_precision = precision  # type: ignore[attr-defined]
    assert plain(fmt, 3.14159) == text
    assert plain(fmt, [3.14159]) == f"[{text}]"


def test_bad_float_precision_is_refused(fmt: DisplayFormatter) -> None:
    text_plain = fmt.formatters["text/plain"]
    for bad in ("abc", "-1", "%q"):
        with pytest.raises(ValueError):
            text_plain.float_precision = bad  # type: ignore[attr-defined]
    assert plain(fmt, 0.5) == "0.5"


def test_pprint_off_gives_repr(fmt: DisplayFormatter) -> None:
    fmt.formatters["text/plain"].pprint = False  # type: ignore[attr-defined]
    assert plain(fmt, list(range(40))) == repr(list(range(40)))


def test_call_expression_wraps_like_a_container() -> None:
    assert pretty(CallExpression("f", 1, key="v")) == "f(1, key='v')"
    long = pretty(CallExpression("f", "a" * 40, "b" * 40))
    assert long == "f('" + "a" * 40 + "',\n  '" + "b" * 40 + "')"


def test_register_formatter_adds_a_mime_type(fmt: DisplayFormatter) -> None:
    from legacy_shell.formatters import BaseFormatter

    class LLMFormatter(BaseFormatter):
        format_type = "x-vendor/llm"
        print_method = "_repr_llm_"

    fmt.register_formatter(LLMFormatter())
    obj = type("A", (), {"_repr_llm_": lambda self: "This is A"})()
    assert fmt.format(obj)[0]["x-vendor/llm"] == "This is A"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fmt.register_formatter(LLMFormatter())
    assert any("Replacing formatter" in str(w.message) for w in caught)
