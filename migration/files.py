"""Finding and reading the files to audit or rewrite, and writing them back safely.

Each problem is one sentence, never a traceback: a path that does not exist,
a directory with no Python file, a file that is binary or not in its declared
encoding. Reading keeps what writing must give back: the encoding (PEP 263)
and the line endings (libcst keeps them as read). Writing goes to a temporary
file next to the target, is re-parsed, then renamed over it: a file is never
half-written.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

__all__ = [
    "Problem",
    "Source",
    "is_generated",
    "iter_python_files",
    "mentions_shell",
    "read_source",
    "write_atomically",
]


@dataclass(frozen=True)
class Problem:
    """A path that cannot be used, and why (one line)."""

    path: str
    message: str


@dataclass(frozen=True)
class Source:
    text: str
    encoding: str


def iter_python_files(paths: list[str]) -> Iterator[Path | Problem]:
    """The ``.py`` files under ``paths`` (directories walked without following links)."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Problem(raw, "no such file or directory")
        elif path.is_dir():
            found = False
            for folder, dirs, files in os.walk(path):  # followlinks=False: no symlink loops
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(".py"):
                        found = True
                        yield Path(folder) / name
            if not found:
                yield Problem(raw, "no Python files in this directory")
        else:
            yield path


def read_source(path: Path) -> Source | Problem:
    try:
        data = path.read_bytes()
    except OSError as e:
        return Problem(str(path), f"cannot read: {e.strerror or e}")
    if b"\x00" in data:
        return Problem(str(path), "not a text file (it contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return Source(data.decode(encoding), encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as e:
        return Problem(str(path), f"cannot decode: {e}")


#: Words without which a module cannot touch the shell (a name of the shell used with a
#: dot, a getter, an entry point): such files are never parsed.
_SHELL_WORDS = re.compile(
    rb"get_ipython|ipapi|__IPYTHON__|load_ipython_extension|init_ipython|ipmagic"
    rb"|\b(?:_ip|ip|shell|ipython)\s*\.|Magics|InteractiveShell|ShellAPI"
    rb"|_getframe|currentframe|inspect\.stack"
)


def mentions_shell(text: str) -> bool:
    """A cheap pre-filter: only files that say one of the shell's words are parsed."""
    return _SHELL_WORDS.search(text.encode("utf-8", "surrogateescape")) is not None


def is_generated(text: str) -> bool:
    """Files marked ``@generated`` (in their first lines) are not ours to change."""
    head = "\n".join(text.splitlines()[:10])
    return "@generated" in head


def write_atomically(path: Path, code: str, encoding: str) -> None:
    """Replace ``path`` by ``code``: re-parsed first, written to a temporary file, renamed."""
    cst.parse_module(code)  # never write what does not parse
    data = code.encode(encoding)
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
