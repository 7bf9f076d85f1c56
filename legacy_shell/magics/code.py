"""Magics that move code between the session, files and the editor: ``%load``, ``%save``, ``%edit``.

They share one way of finding code from what the user typed
(:meth:`CodeMagics.find_user_code`): a history range (``3``, ``1-4``,
``~1/2-5``), then a file (``x`` also tries ``x.py``), then a name in the user
namespace (a string holds code; any other object gives its source). The editor
is reached through the shell's ``editor`` hook, so old extensions that set that
hook keep working; the default hook runs ``shell.editor`` / ``$VISUAL`` /
``$EDITOR`` / ``vi`` where the user sits (``shell.user_site``: the terminal,
also when the code runs in a kernel).
"""

from __future__ import annotations

import ast
import os
import re
import sys
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

from ..api import ShellAPI
from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class
from .namespace import ask_yes_no

__all__ = ["CodeMagics", "extract_code_ranges", "extract_symbols", "strip_initial_indent"]

_RANGE = re.compile(r"^(?P<start>\d+)?((?P<sep>[\-:])(?P<end>\d+)?)?$")


def extract_code_ranges(ranges: str) -> Iterator[tuple[int | None, int | None]]:
    """Turn ``%load -r`` line ranges into slices: ``"5-10 2"`` -> ``(4, 10), (1, 2)``.

    ``x-y`` includes y; ``x:y`` excludes it (Python style); either end may be left out.
    """
    for text in ranges.split():
        m = _RANGE.match(text)
        if not m:
            continue
        start, sep, end = m.group("start"), m.group("sep"), m.group("end")
        if sep is None:
            yield int(start) - 1, int(start)
            continue
        first = int(start) - 1 if start else None
        if sep == "-":
            yield first, int(end) if end else None
        else:
            yield first, int(end) - 1 if end else None


def extract_symbols(code: str, symbols: str) -> tuple[list[str], list[str]]:
    """The source blocks of the top-level ``symbols`` (comma-separated) of ``code``.

    Returns ``(blocks, not_found)``; a block runs from its definition to the
    next top-level statement, without trailing blank lines.
    """
    tree = ast.parse(code)
    lines = code.split("\n")
    spans: dict[str, tuple[int, int]] = {}
    end = len(lines)
    for node in reversed(tree.body):
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        decorators = getattr(node, "decorator_list", [])
        start = min([node.lineno, *(d.lineno for d in decorators)]) - 1
        name = getattr(node, "name", None)
        if name:
            spans[name] = (start, end)
        end = start
    blocks, not_found = [], []
    for symbol in symbols.split(","):
        symbol = symbol.strip()
        if symbol in spans:
            start, stop = spans[symbol]
            blocks.append("\n".join(lines[start:stop]) + "\n")
        else:
            not_found.append(symbol)
    return blocks, not_found


def strip_initial_indent(lines: Iterable[str]) -> Iterator[str]:
    """Remove the first line's indentation from the lines up to the first dedented one.

    So ``%load -r`` of lines inside a function gives code that runs.
    """
    it = iter(lines)
    first = next(it, None)
    if first is None:
        return
    indent = first[: len(first) - len(first.lstrip())]
    yield first[len(indent) :]
    if indent:
        for line in it:
            if line.startswith(indent):
                yield line[len(indent) :]
            elif line.strip() == "":
                yield line
            else:
                yield line
                break
    yield from it


def _remove_files(paths: set[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


@magics_class
class CodeMagics(Magics):
    """``%load``, ``%loadpy``, ``%save``, ``%edit`` / ``%ed``."""

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        #: Temporary files made by ``%edit``; removed when the shell goes away.
        self._knowntemps: set[str] = set()
        self._last_edit = ""
        weakref.finalize(self, _remove_files, self._knowntemps)

    # -- finding code --------------------------------------------------------

    def history_lines(self, range_str: str, raw: bool = True) -> str:
        """The inputs of a history range, one after the other ("" if it selects none)."""
        manager = getattr(self.shell, "history_manager", None)
        if manager is None:
            return ""
        try:
            rows = list(manager.get_range_by_str(range_str, raw=raw))
        except (ValueError, TypeError, AssertionError):
            return ""
        text = "\n".join(str(source) for _, _, source in rows)
        if not range_str:  # everything so far but the line asking for it
            text = text[: text.rfind("\n")] if "\n" in text else ""
        return text

    def find_user_code(self, target: str, raw: bool = True) -> str:
        """Code from a history range, a file, or a name in the user namespace.

        ``UsageError`` says why nothing was found.
        """
        code = self.history_lines(target, raw=raw)
        if code:
            return code
        if target.startswith(("http://", "https://")):
            raise UsageError("Loading code from a URL is not supported; download the file first.")
        path = os.path.expanduser(target)
        for candidate in (path, path + ".py"):
            if os.path.isfile(candidate):
                with open(candidate, encoding="utf-8", errors="replace") as f:
                    return f.read()
        if os.path.isdir(path):
            raise UsageError(f"'{target}' is a directory, not a regular file.")
        try:
            obj = eval(target, self.shell.user_ns)
        except Exception:
            raise UsageError(
                f"'{target}' was not found in history, as a file, nor in the user namespace."
            ) from None
        if isinstance(obj, str):
            return obj
        import inspect

        try:
            return inspect.getsource(obj)
        except (TypeError, OSError):
            raise UsageError(
                f"{target} is neither a string nor an object with source code."
            ) from None

    # -- %load / %save -------------------------------------------------------

    @line_magic
    def load(self, arg_s: str = "") -> None:
        """Put code into the next input, to edit and run: ``%load [-r lines] [-s symbols] source``.

        ``source`` is a file, a history range (``%load 1-3``) or a name (a string
        of code, or an object whose source is shown). ``-r 5-10,20`` keeps only
        those lines (``x:y`` excludes y); ``-s f,C`` only those functions and
        classes; ``-y`` does not ask before loading more than 200000 characters.
        """
        opts, target = self.parse_options(arg_s, "yns:r:")
        contents = self.find_user_code(target)
        if "s" in opts:
            try:
                blocks, not_found = extract_symbols(contents, opts["s"])
            except SyntaxError:
                raise UsageError("Unable to parse the input as valid Python code") from None
            if not_found:
                names = ", ".join(f"`{n}`" for n in not_found)
                print(f"The symbol(s) {names} were not found", file=sys.stderr)
            contents = "\n".join(blocks)
        if "r" in opts:
            lines = contents.split("\n")
            picked = [lines[slice(*s)] for s in extract_code_ranges(opts["r"].replace(",", " "))]
            contents = "\n".join(strip_initial_indent(line for chunk in picked for line in chunk))
        if len(contents) > 200000 and "y" not in opts:
            question = (
                "The text you're trying to load seems pretty big"
                f" ({len(contents)} characters). Continue (y/[N]) ?"
            )
            if not ask_yes_no(question, default="n"):
                print("Operation cancelled.")
                return
        self.shell.set_next_input(f"# %load {arg_s}\n" + contents, replace=True)

    @line_magic
    def loadpy(self, arg_s: str = "") -> None:
        """Alias of ``%load`` (its old name)."""
        self.load(arg_s)

    @line_magic
    def save(self, parameter_s: str = "") -> None:
        """Save history ranges or objects' source to a file: ``%save [-r] [-f] [-a] file [ranges]``.

        ``-r``: the raw input as typed (magics not translated; default suffix
        ``.ipy``); ``-f``: overwrite without asking; ``-a``: append. ``.py`` is
        added to the name if it has neither suffix. No ranges: the whole session.
        """
        opts, args = self.parse_options(parameter_s, "fra", mode="list")
        if not args:
            raise UsageError("Missing filename.")
        raw, append = "r" in opts, "a" in opts
        fname = args[0]
        if not fname.endswith((".py", ".ipy")):
            fname += ".ipy" if raw else ".py"
        fname = os.path.expanduser(fname)
        exists = os.path.isfile(fname)
        question = f"File `{fname}` exists. Overwrite (y/[N])? "
        if exists and "f" not in opts and not append and not ask_yes_no(question, default="n"):
            print("Operation cancelled.")
            return
        cmds = self.find_user_code(" ".join(args[1:]), raw=raw)
        with open(fname, "a" if append else "w", encoding="utf-8") as f:
            if not exists or not append:
                f.write("# coding: utf-8\n")
            f.write(cmds if cmds.endswith("\n") else cmds + "\n")
        print(f"The following commands were written to file `{fname}`:")
        print(cmds)

    # -- %edit ---------------------------------------------------------------

    def _make_tempfile(self, data: str) -> str:
        import tempfile

        fd, name = tempfile.mkstemp(prefix="legacy_shell_edit_", suffix=".py")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data if not data or data.endswith("\n") else data + "\n")
        self._knowntemps.add(name)
        return name

    def _edit_target(self, args: str, raw: bool) -> tuple[str | None, int | None, bool]:
        """``(filename, line, is_temp)`` for what ``%edit`` was asked to open."""
        from ..cells import cell_number

        if args and (os.path.isfile(os.path.expanduser(args)) or args.endswith(".py")):
            return os.path.expanduser(args), None, False
        if not args:
            return self._make_tempfile(""), None, True
        data = self.history_lines(args, raw=raw)
        if data:
            return self._make_tempfile(data), None, True
        try:
            obj = eval(args, self.shell.user_ns)
        except Exception:
            print(f"Argument given ({args}) can't be found as a variable or as a filename.")
            return None, None, False
        if isinstance(obj, str):
            return self._make_tempfile(obj), None, True
        import inspect

        try:
            filename = inspect.getsourcefile(obj) or inspect.getfile(obj)
            lineno: int | None = inspect.getsourcelines(obj)[1]
        except (TypeError, OSError):
            print(f"The file where `{args}` was defined cannot be read or found.")
            return None, None, False
        cell = cell_number(filename)
        if cell is not None:
            print(f"Editing In[{cell}]")
            return self._make_tempfile(self.history_lines(str(cell), raw=raw)), None, True
        return filename, lineno or None, False

    @line_magic
    def edit(self, parameter_s: str = "") -> str | None:
        """Open an editor, then run the edited code: ``%edit [-x] [-p] [-r] [-n N] [target]``.

        ``target``: a file; a history range (``%edit 3-5``); a string variable
        holding code; an object (its source file opens at its definition);
        nothing (an empty temporary file). ``-x``: do not run the code
        afterwards; ``-p``: edit what the previous ``%edit`` edited; ``-n N``:
        open at line N; ``-r``: raw history input. For temporary files the
        edited text is returned (so it lands in ``Out`` / ``_``).
        """
        opts, args = self.parse_options(parameter_s, "prxn:")
        if "p" in opts:
            args = self._last_edit
        filename, lineno, is_temp = self._edit_target(args, raw="r" in opts)
        if filename is None:
            return None
        self._last_edit = args
        if "n" in opts:
            try:
                lineno = int(opts["n"])
            except ValueError:
                raise UsageError(f"-n needs a line number, not {opts['n']!r}") from None
        if is_temp:
            print("legacy-shell will make a temporary file named:", filename)
        is_temp = is_temp or filename in self._knowntemps
        filename = os.path.abspath(filename)
        print("Editing...", end=" ", flush=True)
        if not self._open_editor(filename, lineno):
            return None
        if "x" in opts:
            print()
        else:
            print("done. Executing edited code...")
            self._run_edited(filename, is_temp, raw="r" in opts)
        if is_temp:
            try:
                with open(filename, encoding="utf-8") as f:
                    return f.read()
            except OSError:
                print("File not found. Did you forget to save?", file=sys.stderr)
        return None

    line_magic("ed")(edit)

    def _open_editor(self, filename: str, lineno: int | None) -> bool:
        from ..hooks import TryNext

        try:
            self.shell.hooks.call("editor", filename, lineno)
        except TryNext as e:
            print(f"\nCould not open editor: {e}", file=sys.stderr)
            return False
        return True

    def _run_edited(self, filename: str, is_temp: bool, raw: bool) -> None:
        ns = self.shell.user_ns
        missing = object()
        saved = ns.get("__file__", missing)
        try:
            if not is_temp:
                ns["__file__"] = filename
            if raw:
                with open(filename, encoding="utf-8") as f:
                    self.shell.run_cell(f.read(), store_history=False)
            else:
                self.shell.safe_execfile(filename, ns, ns)
        finally:
            if saved is missing:
                ns.pop("__file__", None)
            else:
                ns["__file__"] = saved
