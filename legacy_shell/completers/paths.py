"""File-system completion: paths typed inside strings and as command arguments.

Used for ``open('./sr``, for ``!ls fo`` and for magics that take files
(``%cd`` directories, ``%run`` scripts). The typed text is kept as typed (``~``
stays ``~``) and only the listing expands it; directories end with ``/`` so
that the next Tab goes on into them.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from .base import Completion

__all__ = ["dirs_only", "path_completions", "script_filter"]

#: decides whether a file (not a directory) is offered; directories always are
FileFilter = Callable[[str], bool]


def dirs_only(name: str) -> bool:
    """File filter of ``%cd``: no files at all."""
    return False


def script_filter(name: str) -> bool:
    """File filter of ``%run``: Python and IPython scripts."""
    return name.endswith((".py", ".ipy"))


def path_completions(
    typed: str, start: int, end: int, files: FileFilter | None = None, quote: str = ""
) -> list[Completion]:
    """Entries of the directory ``typed`` points into whose names extend it.

    ``typed`` is the text from ``start`` to the cursor; the completions replace
    it whole. Hidden entries appear only once a ``.`` is typed. Characters
    that would end the string (``quote``) or the word (a space, outside a
    string) are escaped.
    """
    directory, _, partial = typed.rpartition("/")
    if typed.startswith("/") and not directory:
        directory = "/"
    base = os.path.expanduser(directory) if directory else "."
    prefix = directory + ("/" if directory and directory != "/" else "") if directory else ""
    try:
        entries = list(os.scandir(base))
    except OSError:
        return []
    results = []
    for entry in entries:
        name = entry.name
        if not name.startswith(partial) or (name.startswith(".") and not partial.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir and files is not None and not files(name):
            continue
        text = prefix + name + ("/" if is_dir else "")
        if quote:
            text = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
        else:
            text = text.replace(" ", "\\ ")
        results.append(Completion(start, end, text, "path"))
    return results
