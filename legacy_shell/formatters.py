"""The display formatters: from a Python object to a MIME bundle.

``DisplayFormatter.format(obj)`` returns ``(data, metadata)``, one entry per MIME
type the object can be shown as. It honours the rich display protocol objects
already speak for IPython (``_ipython_display_``, ``_repr_mimebundle_``,
``_repr_html_``, ``_repr_png_``...), and a registry per MIME type that
extensions extend with ``formatters[mime].for_type(SomeType, func)``. The
terminal shows ``text/plain``; a kernel sends every format. A failing
``_repr_*_`` method is reported and that format skipped: showing a value never
crashes the shell.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from .formatter_base import BaseFormatter, FormatterWarning, get_real_method
from .plaintext import PlainTextFormatter

__all__ = [
    "BaseFormatter",
    "DisplayFormatter",
    "FormatterWarning",
    "HTMLFormatter",
    "IPythonDisplayFormatter",
    "JPEGFormatter",
    "JSONFormatter",
    "JavascriptFormatter",
    "LatexFormatter",
    "MarkdownFormatter",
    "MimeBundleFormatter",
    "PDFFormatter",
    "PNGFormatter",
    "PlainTextFormatter",
    "SVGFormatter",
    "get_real_method",
]


class HTMLFormatter(BaseFormatter):
    """``text/html`` from ``_repr_html_`` (a snippet, not a whole document)."""

    format_type = "text/html"
    print_method = "_repr_html_"


class MarkdownFormatter(BaseFormatter):
    format_type = "text/markdown"
    print_method = "_repr_markdown_"


class SVGFormatter(BaseFormatter):
    format_type = "image/svg+xml"
    print_method = "_repr_svg_"


class PNGFormatter(BaseFormatter):
    """``image/png``: raw bytes (or base64 text), never a data URI."""

    format_type = "image/png"
    print_method = "_repr_png_"
    return_type = (bytes, str)


class JPEGFormatter(BaseFormatter):
    format_type = "image/jpeg"
    print_method = "_repr_jpeg_"
    return_type = (bytes, str)


class PDFFormatter(BaseFormatter):
    format_type = "application/pdf"
    print_method = "_repr_pdf_"
    return_type = (bytes, str)


class LatexFormatter(BaseFormatter):
    format_type = "text/latex"
    print_method = "_repr_latex_"


class JSONFormatter(BaseFormatter):
    """``application/json``: a dict or list (a JSON *string* is refused, as in IPython)."""

    format_type = "application/json"
    print_method = "_repr_json_"
    return_type = (dict, list)


class JavascriptFormatter(BaseFormatter):
    format_type = "application/javascript"
    print_method = "_repr_javascript_"


class IPythonDisplayFormatter(BaseFormatter):
    """Objects that display themselves (``_ipython_display_``): takes over the display."""

    format_type = "ipython/display"
    print_method = "_ipython_display_"
    return_type = (type(None), bool)

    def compute(self, obj: Any) -> Any:
        printer = self._printer_or_none(obj)
        if printer is not None:
            printer(obj)
            return True
        method = get_real_method(obj, self.print_method)
        if method is None:
            return None
        method()
        return True


class MimeBundleFormatter(BaseFormatter):
    """``_repr_mimebundle_(include, exclude)``: any MIME types at once, as ``(data, metadata)``."""

    format_type = "ipython/mimebundle"
    print_method = "_repr_mimebundle_"
    return_type = dict

    def __call__(  # type: ignore[override]
        self, obj: Any, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        result = self._guarded(lambda: self._bundle(obj, include, exclude), obj)
        if result is None:
            return {}, {}
        if isinstance(result, tuple):
            data, metadata = result
            return dict(data or {}), dict(metadata or {})
        return dict(result), {}

    def _bundle(self, obj: Any, include: Any, exclude: Any) -> Any:
        if not self.enabled:
            return None
        printer = self._printer_or_none(obj)
        if printer is not None:
            return printer(obj)
        method = get_real_method(obj, self.print_method)
        return None if method is None else method(include=include, exclude=exclude)


#: The formatters a new ``DisplayFormatter`` has, in the order they run.
DEFAULT_FORMATTERS: tuple[type[BaseFormatter], ...] = (
    PlainTextFormatter,
    HTMLFormatter,
    MarkdownFormatter,
    SVGFormatter,
    PNGFormatter,
    PDFFormatter,
    JPEGFormatter,
    LatexFormatter,
    JSONFormatter,
    JavascriptFormatter,
)


def _safe_repr(obj: Any) -> str:
    try:
        return repr(obj)
    except Exception:
        return object.__repr__(obj)


class DisplayFormatter:
    """Every formatter of one shell (``shell.display_formatter``), keyed by MIME type."""

    def __init__(self) -> None:
        self.ipython_display_formatter = IPythonDisplayFormatter()
        self.mimebundle_formatter = MimeBundleFormatter()
        self.formatters: dict[str, BaseFormatter] = {}
        for cls in DEFAULT_FORMATTERS:
            formatter = cls()
            self.formatters[formatter.format_type] = formatter

    def register_formatter(self, formatter: BaseFormatter) -> None:
        """Add a formatter for a new MIME type (or replace one, with a warning)."""
        if formatter.format_type in self.formatters:
            warnings.warn(
                f"Replacing formatter {type(self.formatters[formatter.format_type])} "
                f"with {type(formatter)}",
                FormatterWarning,
                stacklevel=2,
            )
        self.formatters[formatter.format_type] = formatter

    @property
    def format_types(self) -> list[str]:
        """Every MIME type a formatter exists for."""
        return list(self.formatters)

    @property
    def active_types(self) -> list[str]:
        """The MIME types computed by ``format`` (set it to enable only those)."""
        return [key for key, f in self.formatters.items() if f.enabled]

    @active_types.setter
    def active_types(self, types: Iterable[str]) -> None:
        wanted = set(types)
        for key, formatter in self.formatters.items():
            formatter.enabled = key in wanted

    def format(
        self,
        obj: Any,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The MIME bundle of ``obj``: ``(data, metadata)``.

        ``({}, {})`` when ``obj`` displayed itself through ``_ipython_display_``.
        ``include`` limits, ``exclude`` removes MIME types (``exclude`` wins).
        Data from ``_repr_mimebundle_`` takes precedence over the ``_repr_*_``
        methods; a function registered with ``for_type`` over both.
        """
        include = set(include) if include else None
        exclude = set(exclude) if exclude else set()

        def wanted(mime: str) -> bool:
            return (include is None or mime in include) and mime not in exclude

        if self.ipython_display_formatter(obj):
            return {}, {}
        bundle, bundle_md = self.mimebundle_formatter(obj, include=include, exclude=exclude)
        data = {k: v for k, v in bundle.items() if wanted(k)}
        metadata = {k: v for k, v in bundle_md.items() if wanted(k)}
        for mime, formatter in self.formatters.items():
            if not wanted(mime) or (mime in data and not formatter.has_printer_for(obj)):
                continue
            result = formatter(obj)
            md = None
            if isinstance(result, tuple) and len(result) == 2:
                result, md = result
            if result is not None:
                data[mime] = result
            if md is not None:
                metadata[mime] = md
        if "text/plain" not in data and wanted("text/plain"):
            data["text/plain"] = _safe_repr(obj)
        return data, metadata

    def __repr__(self) -> str:
        return f"<{type(self).__name__} types={self.active_types}>"
