"""History magics: ``%history`` (``%hist``), ``%recall`` (``%rep``) and ``%rerun``.

They read the shell's ``history_manager`` and print in IPython's formats, so
that what users paste from ``%history -n -o`` and what ``%rerun`` announces look
exactly as they do in IPython.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["HistoryMagics"]

_FLAGS = {"n": "print_nums", "o": "get_output", "p": "pyprompts", "u": "unique", "y": "overwrite"}


@dataclass
class _HistoryArgs:
    print_nums: bool = False
    get_output: bool = False
    pyprompts: bool = False
    raw: bool = True
    unique: bool = False
    overwrite: bool = False
    filename: str | None = None
    pattern: list[str] | None = None
    limit: int | None = None
    has_limit: bool = False
    ranges: list[str] = field(default_factory=list)


def _parse_history_args(line: str) -> _HistoryArgs:
    """Parse ``%history``'s options the way IPython's argparse setup does.

    ``-g`` takes any number of words (the pattern) and ``-l`` an optional count,
    which getopt cannot express; everything that is not an option is a range.
    """
    import shlex

    try:
        tokens = shlex.split(line)
    except ValueError:
        tokens = line.split()
    args = _HistoryArgs()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if not tok.startswith("-") or tok == "-" or tok[1:2].isdigit():
            args.ranges.append(tok)
            continue
        letters = tok[1:]
        while letters:
            ch, letters = letters[0], letters[1:]
            if ch in _FLAGS:
                setattr(args, _FLAGS[ch], True)
            elif ch in "tr":
                args.raw = ch == "r"
            elif ch == "f":
                if not letters:
                    if i >= len(tokens):
                        raise UsageError("argument -f: expected one argument")
                    letters, i = tokens[i], i + 1
                args.filename, letters = letters, ""
            elif ch == "l":
                args.has_limit = True
                value = letters or (tokens[i] if i < len(tokens) else "")
                if value.isdigit():
                    args.limit = int(value)
                    i += 0 if letters else 1
                elif letters:
                    raise UsageError(f"argument -l: invalid int value: {letters!r}")
                letters = ""
            elif ch == "g":
                words = [letters] if letters else []
                while i < len(tokens) and not tokens[i].startswith("-"):
                    words.append(tokens[i])
                    i += 1
                args.pattern, letters = words, ""
            else:
                raise UsageError(f"unrecognized arguments: {tok}")
    return args


@magics_class
class HistoryMagics(Magics):
    """Browsing, recalling and re-running the input history."""

    @line_magic("hist")
    @line_magic
    def history(self, line: str = "") -> None:
        """Print input history (_i<n> variables), with most recent last.

        %history [-n] [-o] [-p] [-t] [-f FILENAME] [-y] [-g [PATTERN ...]] [-l [LIMIT]] [-u] [range ...]

        By default, input history is printed without line numbers so it can be
        directly pasted into an editor. Use -n to show them.

        Options:
          -n: print line numbers for each input.
          -o: also print outputs for each input.
          -p: print classic '>>>' python prompts before each input (with -o,
              this gives doctest-ready output).
          -t: print the 'translated' history, as the shell ran it ('%cd /' is
              shown as get_ipython().run_line_magic("cd", "/")); -r: raw (default).
          -f FILENAME: write to FILENAME instead of printing (-y: overwrite
              without asking).
          -g [PATTERN]: glob search ('*', '?') of the saved history of every
              session; '%hist -g' shows all of it.
          -l [N]: the last N inputs of all sessions (default 10).
          -u: with -g, show each matching input only once.

        Ranges (several may be given, separated by spaces):
          4         line 4, current session
          4-6       lines 4-6, current session
          4-        lines 4 onward, current session
          243/1-5   lines 1-5 of session 243
          ~2/       all lines of the session two before this one
          ~4/4-     lines 4 onward of the session four before this one
          ~2/7      line 7 of the session two before this one
          ~8/1-~6/5 from line 1 of 8 sessions ago to line 5 of 6 sessions ago
        """
        args = _parse_history_args(line)
        hm = self.shell.history_manager
        range_pattern: str | None = None
        print_nums = args.print_nums
        hist: Iterable[tuple[int, int, Any]]
        if args.pattern is not None and not args.ranges:
            pattern = "*" + " ".join(args.pattern) + "*" if args.pattern else "*"
            hist = hm.search(
                pattern, raw=args.raw, output=args.get_output, n=args.limit, unique=args.unique
            )
            print_nums = True
        elif args.has_limit:
            hist = hm.get_tail(
                10 if args.limit is None else args.limit, raw=args.raw, output=args.get_output
            )
        else:
            if args.pattern:
                range_pattern = "*" + " ".join(args.pattern) + "*"
                print_nums = True
            hist = hm.get_range_by_str(" ".join(args.ranges), args.raw, args.get_output)

        outfile = self._open_output(args)
        if outfile is None:
            return
        try:
            self._print_history(
                hist, outfile, print_nums, args.pyprompts, args.get_output, range_pattern
            )
        finally:
            if outfile is not sys.stdout:
                outfile.close()

    def _open_output(self, args: _HistoryArgs) -> TextIO | None:
        if not args.filename:
            return sys.stdout
        path = os.path.expanduser(args.filename)
        if os.path.exists(path) and not args.overwrite:
            if sys.stdin is not None and sys.stdin.isatty():
                answer = input(f"File {path!r} exists. Overwrite? [y/N] ").strip().lower()
                if answer not in ("y", "yes"):
                    print("Aborting.")
                    return None
            print("Overwriting file.")
        return open(path, "w", encoding="utf-8")

    def _print_history(
        self,
        hist: Iterable[tuple[int, int, Any]],
        out: TextIO,
        print_nums: bool,
        pyprompts: bool,
        get_output: bool,
        range_pattern: str | None,
    ) -> None:
        current = self.shell.history_manager.session_number
        for session, lineno, entry in hist:
            output = None
            if get_output:
                entry, output = entry
            if range_pattern and not fnmatch.fnmatch(entry, range_pattern):
                continue
            entry = entry.expandtabs(4).rstrip()
            multiline = "\n" in entry
            if print_nums:
                number = str(lineno) if session in (0, current) else f"{session}/{lineno}"
                print(f"{number.rjust(4)}:{chr(10) if multiline else ' '}", end="", file=out)
            if pyprompts:
                print(">>> ", end="", file=out)
                if multiline:
                    entry = "\n... ".join(entry.splitlines()) + "\n..."
            print(entry, file=out)
            if get_output and output:
                print(output, file=out)

    @line_magic("rep")
    @line_magic
    def recall(self, line: str = "") -> None:
        """Put a previous input, or the last result, into the next input for editing.

        %recall          the last result (the variable _)
        %recall 45       input line 45 (any %history range: 1-4 joins lines into one cell)
        %recall foo+bar  the value of foo+bar if it evaluates, otherwise the most
                         recent input containing that text
        """
        arg = line.strip()
        shell = self.shell
        if not arg:
            shell.set_next_input(str(shell.user_ns.get("_", "")))
            return
        code = "\n".join(entry for _, _, entry in shell.history_manager.get_range_by_str(arg))
        if code:
            shell.set_next_input(code.rstrip())
            return
        try:
            value = eval(arg, shell.user_ns)
        except Exception:
            for _, _, entry in reversed(shell.history_manager.search(f"*{arg}*")):
                if "recall" in entry or "rep" in entry:
                    continue
                shell.set_next_input(entry.rstrip())
                return
        else:
            shell.set_next_input(str(value).rstrip())
            return
        print("Couldn't evaluate or find in history:", arg)

    @line_magic
    def rerun(self, line: str = "") -> None:
        """Re-run previous input.

        %rerun           the last input
        %rerun 4-6 ~1/2  these ranges (as for %history)
        %rerun -l N      the last N inputs, not counting this command
        %rerun -g foo    the most recent input containing foo
        """
        opts, args = self.parse_options(line, "l:g:", mode="string")
        hm = self.shell.history_manager
        entries: list[tuple[int, int, Any]]
        if "l" in opts:
            try:
                n = int(opts["l"])
            except ValueError:
                print("Number of lines must be an integer")
                return
            if n == 0:
                print("Requested 0 last lines - nothing to run")
                return
            if n < 0:
                print("Number of lines to rerun cannot be negative")
                return
            entries = hm.get_tail(n)
        elif "g" in opts:
            matches = [e for e in hm.search(f"*{opts['g']}*") if "rerun" not in e[2]]
            entries = matches[-1:]
        elif args:
            entries = list(hm.get_range_by_str(args))
        else:
            entries = hm.get_tail(1)
        code = "\n".join(entry for _, _, entry in entries)
        if not entries:
            print("No lines in history match specification")
            return
        print("=== Executing: ===")
        print(code)
        print("=== Output: ===")
        self.shell.run_cell(code, store_history=False)
