"""Display classes: wrap data so that it is shown as HTML, Markdown, an image...

``HTML("<b>hi</b>")`` is an object whose ``_repr_html_`` returns its data, so
``display(HTML(...))`` (or leaving it as a cell's value) sends ``text/html``.
The constructors take the data itself, a ``filename`` or a ``url`` (a string
argument that names an existing file or starts with ``http`` is taken as
such), and optional per-format ``metadata``, as IPython's do. Their
``text/plain`` form is ``<module.Class object>``: the terminal cannot show more.
``Image`` lives in ``display_image``.
"""

from __future__ import annotations

import os
import warnings
from copy import deepcopy
from pathlib import PurePath
from typing import Any

__all__ = [
    "HTML",
    "JSON",
    "SVG",
    "Code",
    "DisplayObject",
    "Javascript",
    "Latex",
    "Markdown",
    "Math",
    "Pretty",
    "TextDisplayObject",
]


def _is_file(path: str) -> bool:
    try:
        return os.path.exists(path)
    except (OSError, ValueError):
        return False


class DisplayObject:
    """Data to display, from the object itself, a file or a URL (read at creation)."""

    _read_flags = "r"
    metadata: dict[str, Any] | None = None

    def __init__(
        self,
        data: Any = None,
        url: str | None = None,
        filename: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(data, PurePath):
            data = str(data)
        if isinstance(data, str):
            if data.startswith("http") and url is None:
                url, filename, data = data, None, None
            elif filename is None and _is_file(data):
                url, filename, data = None, data, None
        self.url = url
        self.filename = str(filename) if filename is not None else None
        self.data = data
        if metadata is not None:
            self.metadata = metadata
        elif self.metadata is None:
            self.metadata = {}
        self.reload()
        self._check_data()

    def __repr__(self) -> str:
        cls = type(self)
        return f"<{cls.__module__}.{cls.__qualname__} object>"

    def _check_data(self) -> None:
        """Subclasses refuse data of the wrong kind here (``TypeError``)."""

    def _data_and_metadata(self) -> Any:
        """The data, or ``(data, metadata)`` when there is metadata."""
        if self.metadata:
            return self.data, deepcopy(self.metadata)
        return self.data

    def reload(self) -> None:
        """Read the data again from the file or URL it came from."""
        if self.filename is not None:
            binary = "b" in self._read_flags
            with open(
                self.filename, "rb" if binary else "r", encoding=None if binary else "utf-8"
            ) as f:
                self.data = f.read()
        elif self.url is not None:
            from urllib.request import urlopen

            with urlopen(self.url) as response:
                raw = response.read()
                charset = response.headers.get_content_charset()
            self.data = raw.decode(charset, "replace") if charset else raw


class TextDisplayObject(DisplayObject):
    """A display object whose data is text."""

    def _check_data(self) -> None:
        if self.data is not None and not isinstance(self.data, str):
            raise TypeError(f"{type(self).__name__} expects text, not {self.data!r}")


class Pretty(TextDisplayObject):
    """Text shown as it is, as the ``text/plain`` form."""

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.data or "")


class HTML(TextDisplayObject):
    """``text/html``."""

    def __init__(
        self,
        data: Any = None,
        url: str | None = None,
        filename: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if (
            isinstance(data, str)
            and data[:8].lower() == "<iframe "
            and data[-9:].lower() == "</iframe>"
        ):
            warnings.warn("Consider using IPython.display.IFrame instead", stacklevel=2)
        super().__init__(data=data, url=url, filename=filename, metadata=metadata)

    def _repr_html_(self) -> Any:
        return self._data_and_metadata()

    def __html__(self) -> Any:
        """Tells markupsafe and friends that this is already HTML."""
        return self._repr_html_()


class Markdown(TextDisplayObject):
    """``text/markdown``."""

    def _repr_markdown_(self) -> Any:
        return self._data_and_metadata()


class Latex(TextDisplayObject):
    """``text/latex`` as given (include the ``$...$`` or environment yourself)."""

    def _repr_latex_(self) -> Any:
        return self._data_and_metadata()


class Math(TextDisplayObject):
    """A formula: ``text/latex`` wrapped in ``$\\displaystyle ...$``."""

    def _repr_latex_(self) -> Any:
        text = rf"$\displaystyle {(self.data or '').strip('$')}$"
        return (text, deepcopy(self.metadata)) if self.metadata else text


class SVG(DisplayObject):
    """``image/svg+xml``: keeps only the ``<svg>`` element of a whole document."""

    _read_flags = "rb"
    _data: str | None = None

    @property  # type: ignore[override]
    def data(self) -> str | None:
        return self._data

    @data.setter
    def data(self, svg: Any) -> None:
        if svg is None:
            self._data = None
            return
        from xml.dom import minidom

        found = minidom.parseString(svg).getElementsByTagName("svg")
        if found:
            svg = found[0].toxml()
        self._data = svg.decode(errors="replace") if isinstance(svg, bytes) else svg

    def _repr_svg_(self) -> Any:
        return self._data_and_metadata()


class JSON(DisplayObject):
    """``application/json`` from a dict or list (a JSON string is parsed, with a warning)."""

    _data: Any = None

    def __init__(
        self,
        data: Any = None,
        url: str | None = None,
        filename: str | None = None,
        expanded: bool = False,
        metadata: dict[str, Any] | None = None,
        root: str = "root",
        **kwargs: Any,
    ) -> None:
        self.metadata = {"expanded": expanded, "root": root, **(metadata or {}), **kwargs}
        self.url = url
        self.filename = filename
        super().__init__(data=data, url=url, filename=filename)

    @property  # type: ignore[override]
    def data(self) -> Any:
        return self._data

    @data.setter
    def data(self, data: Any) -> None:
        if isinstance(data, PurePath):
            data = str(data)
        if isinstance(data, (str, bytes)):
            if getattr(self, "filename", None) is None and getattr(self, "url", None) is None:
                warnings.warn("JSON expects JSONable dict or list, not JSON strings", stacklevel=3)
            import json

            data = json.loads(data)
        self._data = data

    def _check_data(self) -> None:
        if self.data is not None and not isinstance(self.data, (dict, list)):
            raise TypeError(
                f"{type(self).__name__} expects JSONable dict or list, not {self.data!r}"
            )

    def _data_and_metadata(self) -> Any:
        return self.data, self.metadata

    def _repr_json_(self) -> Any:
        return self._data_and_metadata()


class Javascript(TextDisplayObject):
    """``application/javascript``, after loading the ``lib`` scripts and ``css`` sheets."""

    def __init__(
        self,
        data: Any = None,
        url: str | None = None,
        filename: str | None = None,
        lib: str | list[str] | tuple[str, ...] | None = None,
        css: str | list[str] | tuple[str, ...] | None = None,
    ) -> None:
        self.lib = [lib] if isinstance(lib, str) else list(lib or [])
        self.css = [css] if isinstance(css, str) else list(css or [])
        super().__init__(data=data, url=url, filename=filename)

    def _repr_javascript_(self) -> str:
        parts = [
            "var link = document.createElement('link'); link.rel = 'stylesheet'; "
            f"link.type = 'text/css'; link.href = {href!r}; document.head.appendChild(link);\n"
            for href in self.css
        ]
        parts += [
            "new Promise(function(resolve, reject) { var script = document.createElement('script'); "
            "script.onload = resolve; script.onerror = reject; "
            f"script.src = {src!r}; document.head.appendChild(script); }}).then(() => {{\n"
            for src in self.lib
        ]
        parts.append(self.data or "")
        parts.append("\n});" * len(self.lib))
        return "".join(parts)


class Code(TextDisplayObject):
    """Source code: the text as ``text/plain``, highlighted ``text/html`` (pygments)."""

    def __init__(
        self,
        data: Any = None,
        url: str | None = None,
        filename: str | None = None,
        language: str | None = None,
    ) -> None:
        self.language = language
        super().__init__(data=data, url=url, filename=filename)

    def _lexer(self) -> Any:
        from pygments import lexers

        if self.language:
            return lexers.get_lexer_by_name(self.language)
        if self.filename:
            return lexers.get_lexer_for_filename(self.filename)
        return lexers.get_lexer_by_name("python")

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.data or "")

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter

        formatter = HtmlFormatter()
        css = formatter.get_style_defs(".output_html")
        body = highlight(self.data or "", self._lexer(), formatter)
        return f"<style>{css}</style>{body}"
