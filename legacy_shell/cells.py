"""Cell sources as "files": so tracebacks, ``inspect`` and pdb can show cell lines.

Each executed cell gets a pseudo file name that encodes its execution count
(``<ipython-input-3-1a2b3c4d5e6f>``, the spelling tools already recognise) and
its source is kept in ``linecache`` for the life of the process.
"""

from __future__ import annotations

import hashlib
import linecache
import re

__all__ = ["cell_label", "cell_number", "register_cell"]

_NAME = re.compile(r"^<ipython-input-(\d+)-[0-9a-f]+>$")


def register_cell(execution_count: int, source: str) -> str:
    """Store ``source`` in ``linecache``; return the cell's pseudo file name."""
    digest = hashlib.sha1(f"{execution_count}\0{source}".encode()).hexdigest()[:12]
    filename = f"<ipython-input-{execution_count}-{digest}>"
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # mtime None: linecache.checkcache() never drops the entry
    linecache.cache[filename] = (len(source), None, lines, filename)
    return filename


def cell_number(filename: str) -> int | None:
    """The execution count of a cell's pseudo file name, else ``None``."""
    m = _NAME.match(filename or "")
    return int(m.group(1)) if m else None


def cell_label(filename: str) -> str | None:
    """``"Cell In[3]"`` for a cell's pseudo file name, else ``None``."""
    n = cell_number(filename)
    return None if n is None else f"Cell In[{n}]"
