"""``display()`` and friends: show objects in every format the frontend can use.

``display(obj)`` formats ``obj`` with the current shell's ``display_formatter``
and hands the bundle to the shell's output sink (``shell.output.display``):
the terminal prints ``text/plain``, a kernel sends a ``display_data`` message.
A display can be given an id and updated in place later (``DisplayHandle``).
The display classes (``HTML``, ``Image``...) are re-exported from here, which
is where user code imports them from (as from ``IPython.display``).

``legacy_shell.display`` is both this module and, as IPython users expect, the name
of the ``display()`` function in the package namespace. The two cannot be
told apart by ``from legacy_shell import display``, so the module itself is
callable: whichever object that import yields, ``display(obj)`` works.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from ._current import get_ipython
from .display_image import Image
from .display_objects import (
    HTML,
    JSON,
    SVG,
    Code,
    DisplayObject,
    Javascript,
    Latex,
    Markdown,
    Math,
    Pretty,
    TextDisplayObject,
)

__all__ = [
    "HTML",
    "JSON",
    "SVG",
    "Code",
    "DisplayHandle",
    "DisplayObject",
    "Image",
    "Javascript",
    "Latex",
    "Markdown",
    "Math",
    "Pretty",
    "TextDisplayObject",
    "clear_output",
    "display",
    "display_html",
    "display_javascript",
    "display_jpeg",
    "display_json",
    "display_latex",
    "display_markdown",
    "display_pdf",
    "display_png",
    "display_pretty",
    "display_svg",
    "publish_display_data",
    "update_display",
]


def _new_id() -> str:
    import os

    return os.urandom(16).hex()


def _merge(base: Any, extra: Any) -> Any:
    """``base.update(extra)``, merging nested dicts instead of replacing them."""
    if not isinstance(base, dict) or not isinstance(extra, dict):
        return extra
    for key, value in extra.items():
        base[key] = _merge(base.get(key), value)
    return base


def publish_display_data(
    data: dict[str, Any],
    metadata: dict[str, Any] | None = None,
    *,
    transient: dict[str, Any] | None = None,
    update: bool = False,
    **kwargs: Any,
) -> None:
    """Send a ready MIME bundle to the current shell's output sink."""
    shell = get_ipython()
    if shell is None:
        print(data.get("text/plain", data))
        return
    shell.output.display(data, metadata or {}, transient=transient or None, update=update)


def display(
    *objs: Any,
    include: Any = None,
    exclude: Any = None,
    metadata: dict[str, Any] | None = None,
    transient: dict[str, Any] | None = None,
    display_id: Any = None,
    raw: bool = False,
    clear: bool = False,
    **kwargs: Any,
) -> DisplayHandle | None:
    """Display each object in every format it has (only ``text/plain`` in a terminal).

    ``raw=True``: the objects are MIME bundles already. ``display_id=True``
    makes a new id; with an id, the result is a ``DisplayHandle`` that can
    update this output later. ``clear=True`` clears the output first. Outside
    a shell the objects are printed.
    """
    shell = get_ipython()
    if shell is None:
        print(*objs)
        return None
    transient = dict(transient or {})
    if display_id:
        if display_id is True:
            display_id = _new_id()
        transient["display_id"] = display_id
    update = bool(kwargs.pop("update", False))
    if update and "display_id" not in transient:
        raise TypeError("display_id required for update_display")
    if not objs and display_id:
        objs, raw = ({},), True  # an empty output that a later update fills
    if clear:
        clear_output(wait=True)
    for obj in objs:
        if raw:
            data, md = obj, dict(metadata or {})
        else:
            data, md = shell.display_formatter.format(obj, include=include, exclude=exclude)
            if not data:
                continue  # the object displayed itself (_ipython_display_)
            if metadata:
                _merge(md, metadata)
        publish_display_data(data, md, transient=transient, update=update)
    return DisplayHandle(display_id) if display_id else None


def update_display(obj: Any, *, display_id: Any, **kwargs: Any) -> None:
    """Replace the output(s) shown with ``display_id`` by ``obj``."""
    kwargs["update"] = True
    display(obj, display_id=display_id, **kwargs)


class DisplayHandle:
    """An output that can be updated in place (``display(obj, display_id=True)``)."""

    def __init__(self, display_id: str | None = None) -> None:
        self.display_id = display_id if display_id is not None else _new_id()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} display_id={self.display_id}>"

    def display(self, obj: Any, **kwargs: Any) -> None:
        """Show ``obj`` as a new output with this id."""
        display(obj, display_id=self.display_id, **kwargs)

    def update(self, obj: Any, **kwargs: Any) -> None:
        """Replace what every output with this id shows by ``obj``."""
        update_display(obj, display_id=self.display_id, **kwargs)


def clear_output(wait: bool = False) -> None:
    """Clear the current cell's output (``wait``: only once new output arrives)."""
    shell = get_ipython()
    if shell is not None:
        shell.output.clear_output(wait=wait)
        return
    for stream in (sys.stdout, sys.stderr):
        stream.write("\033[2K\r")
        stream.flush()


def _display_mimetype(
    mimetype: str, objs: tuple[Any, ...], raw: bool = False, metadata: dict[str, Any] | None = None
) -> None:
    md = {mimetype: metadata} if metadata else None
    if raw:
        objs = tuple({mimetype: obj} for obj in objs)
    display(*objs, raw=raw, metadata=md, include=[mimetype])


def display_pretty(*objs: Any, **kwargs: Any) -> None:
    """Display the ``text/plain`` form only (``raw=True``: the objects are that text)."""
    _display_mimetype("text/plain", objs, **kwargs)


def display_html(*objs: Any, **kwargs: Any) -> None:
    """Display the ``text/html`` form only (``raw=True``: the objects are HTML text)."""
    _display_mimetype("text/html", objs, **kwargs)


def display_markdown(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("text/markdown", objs, **kwargs)


def display_svg(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("image/svg+xml", objs, **kwargs)


def display_png(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("image/png", objs, **kwargs)


def display_jpeg(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("image/jpeg", objs, **kwargs)


def display_latex(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("text/latex", objs, **kwargs)


def display_json(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("application/json", objs, **kwargs)


def display_javascript(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("application/javascript", objs, **kwargs)


def display_pdf(*objs: Any, **kwargs: Any) -> None:
    _display_mimetype("application/pdf", objs, **kwargs)


class _CallableModule(types.ModuleType):
    """This module's type: calling the module calls ``display()`` (see the docstring)."""

    def __call__(self, *objs: Any, **kwargs: Any) -> DisplayHandle | None:
        return display(*objs, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
