"""The ``%run`` command line: options, the script or module, and its arguments.

Arguments are split as a POSIX shell splits them and glob-expanded unless
quoted (or ``-G``), as IPython does, so ``%run script.py *.csv`` sees the files.
Kept apart from the runner so the parsing is testable without running anything.
"""

from __future__ import annotations

import getopt
import glob
import os
from dataclasses import dataclass, field

from ..errors import UsageError

__all__ = ["RUN_OPTIONS", "RunRequest", "find_script", "parse_run_line", "split_args"]

#: getopt letters of ``%run`` (the profiler's ``-D -l -r -s -T -q`` included, for ``-p``).
RUN_OPTIONS = "nidtN:b:pD:l:rs:T:qem:G"


@dataclass
class RunRequest:
    """A parsed ``%run`` line: options, the script (or module) and its arguments."""

    opts: dict[str, list[str]]
    filename: str
    args: list[str] = field(default_factory=list)
    module: str | None = None


def split_args(line: str) -> list[tuple[str, bool]]:
    """Split like a POSIX shell; each word comes with whether any part of it was quoted.

    Quoted words are not glob-expanded, as in a real shell.
    """
    words: list[tuple[str, bool]] = []
    current: list[str] = []
    quote = ""
    quoted = in_word = False
    chars = iter(line)
    for char in chars:
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                nxt = next(chars, "")
                current.append(nxt if nxt in '"\\$`' else char + nxt)
            else:
                current.append(char)
        elif char.isspace():
            if in_word:
                words.append(("".join(current), quoted))
                current, quoted, in_word = [], False, False
        elif char in "'\"":
            quote, quoted, in_word = char, True, True
        elif char == "\\":
            current.append(next(chars, ""))
            quoted = in_word = True
        else:
            current.append(char)
            in_word = True
    if quote:
        raise UsageError("No closing quotation")
    if in_word:
        words.append(("".join(current), quoted))
    return words


def find_script(name: str) -> str:
    """The file ``name`` names, trying ``name.py`` too (as IPython's ``%run x`` does)."""
    path = os.path.expanduser(name)
    if os.path.isfile(path):
        return path
    if not path.endswith(".py") and os.path.isfile(path + ".py"):
        return path + ".py"
    raise UsageError(f"File `{path!r}` not found.")


def _module_origin(name: str) -> str:
    """The source file ``python -m name`` would run."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations is not None:
            spec = importlib.util.find_spec(f"{name}.__main__")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not os.path.isfile(spec.origin):
        raise UsageError(f"{name!r} is not a valid modulename on sys.path")
    return spec.origin


def parse_run_line(line: str) -> RunRequest:
    """Parse ``[options] (-m module | file) [args]``; arguments are glob-expanded unless ``-G``."""
    words = split_args(line)
    if not any(word == "--" for word, _ in words):
        # IPython: what follows ``-m module`` belongs to the module, not to %run
        for index, (word, quoted) in enumerate(words):
            if quoted or not word.startswith("-") or word == "-":
                break
            if word == "-m":
                words.insert(index + 2, ("--", False))
                break
    values = [word for word, _ in words]
    try:
        pairs, rest = getopt.getopt(values, RUN_OPTIONS)
    except getopt.GetoptError as e:
        raise UsageError(f"{e.msg} (allowed: {RUN_OPTIONS!r})") from None
    opts: dict[str, list[str]] = {}
    for key, value in pairs:
        opts.setdefault(key.lstrip("-"), []).append(value)
    positional = words[len(words) - len(rest) :]

    module = opts["m"][-1] if "m" in opts else None
    if module is not None:
        filename = _module_origin(module)
    elif not positional:
        raise UsageError("you must provide at least a filename.")
    else:
        filename = find_script(positional.pop(0)[0])
    args: list[str] = []
    for word, quoted in positional:
        word = os.path.expanduser(word)
        if quoted or "G" in opts or not glob.has_magic(word):
            args.append(word)
        else:
            args.extend(sorted(glob.glob(word)) or [word])
    return RunRequest(opts, filename, args, module)
