"""Magics that talk to the operating system: directories, environment, aliases, pip.

``%cd`` keeps the directory history in ``_dh`` (a list the shell creates with
the start directory), so ``%cd -``, ``%cd -N`` and ``%dhist`` work as in
IPython. Bookmarks are kept in ``bookmarks.json`` in the shell's data
directory. Aliases live in the shell's magics table (see ``legacy_shell.aliases``).
``%pip`` runs the pip of the interpreter the shell runs in, so packages land
where ``import`` will find them.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from ..aliases import AliasError, AliasManager, default_aliases
from ..api import ShellAPI
from ..errors import UsageError
from ..magic import Magics, line_cell_magic, line_magic, magics_class

__all__ = ["OSMagics"]

_SECRET_WORDS = ("key", "token", "secret")


@magics_class
class OSMagics(Magics):
    """``%cd``, ``%pwd``, ``%dhist``, ``%pushd``/``%popd``/``%dirs``, ``%bookmark``,
    ``%env``/``%set_env``, ``%alias``/``%unalias``, ``%sx``/``%system``, ``%pip``."""

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        #: The stack of ``%pushd`` / ``%popd``, top first.
        self.dir_stack: list[str] = []
        # the shell's own manager if it has one (IPython code reaches ``shell.alias_manager``)
        existing = getattr(shell, "alias_manager", None)
        self.alias_manager = (
            existing if isinstance(existing, AliasManager) else AliasManager(self.shell)
        )
        if shell is not None and getattr(shell, "magics_manager", None) is not None:
            color = _config_get(shell, "shell.colors", "Neutral") != "NoColor"
            for name, cmd in default_aliases(color=color):
                self.alias_manager.soft_define_alias(name, cmd)

    # -- directories -------------------------------------------------------

    @property
    def _dh(self) -> list[Any]:
        dh = self.shell.user_ns.get("_dh")
        if not isinstance(dh, list):
            dh = self.shell.user_ns["_dh"] = []
        return dh

    @line_magic
    def pwd(self, parameter_s: str = "") -> str:
        """Return the current working directory."""
        try:
            return os.getcwd()
        except FileNotFoundError:
            raise UsageError("CWD no longer exists - please use %cd to change directory.") from None

    @line_magic
    def cd(self, parameter_s: str = "") -> None:
        """Change the current working directory, remembering it in ``_dh``.

        ``%cd dir``; ``%cd`` (home); ``%cd -`` (the previous directory);
        ``%cd -N`` (entry N of ``%dhist``); ``%cd --foo`` (the latest directory in
        the history whose name contains foo); ``%cd -b name`` (a ``%bookmark``).
        ``-q``: do not print the new directory.
        """
        try:
            oldcwd: str | None = os.getcwd()
        except FileNotFoundError:
            oldcwd = None
        opts: dict[str, Any] = {}
        numbered = re.fullmatch(r"-(\d+)", parameter_s.strip())
        if numbered:
            try:
                target = str(self._dh[int(numbered.group(1))])
            except IndexError:
                print("The requested directory does not exist in history.")
                return
        elif parameter_s.startswith("--"):
            found = self._search_dhist(parameter_s[2:].strip())
            if found is None:
                print("No matching entry in directory history")
                return
            target = found
        else:
            opts, words = self.parse_options(parameter_s, "qb", mode="list")
            target = " ".join(words)
            if target == "-":
                if len(self._dh) < 2:
                    raise UsageError("%cd -: No previous directory to change to.")
                target = str(self._dh[-2])
            elif target and (not os.path.isdir(os.path.expanduser(target)) or "b" in opts):
                bookmarks = self._load_bookmarks()
                if target in bookmarks:
                    print(f"(bookmark:{target}) -> {bookmarks[target]}")
                    target = bookmarks[target]
                elif "b" in opts:
                    raise UsageError(
                        f"Bookmark '{target}' not found.  Use '%bookmark -l' to see your bookmarks."
                    )
        try:
            os.chdir(os.path.expanduser(target) if target else os.path.expanduser("~"))
        except OSError as e:
            print(e)
            return
        cwd = os.getcwd()
        if cwd != oldcwd:
            self._dh.append(cwd)
        if "q" not in opts and self._dh:
            print(self._dh[-1])

    def _search_dhist(self, pattern: str) -> str | None:
        """The latest history entry whose basename (else whole path) contains ``pattern``."""
        fallback = None
        for entry in reversed([str(e) for e in self._dh]):
            if not os.path.isdir(entry):
                continue
            if pattern in os.path.basename(entry):
                return entry
            if fallback is None and pattern in entry:
                fallback = entry
        return fallback

    @line_magic
    def dhist(self, parameter_s: str = "") -> None:
        """Print the history of visited directories (``_dh``).

        ``%dhist``: all of it; ``%dhist n``: the last n; ``%dhist n1 n2``: entries
        n1 to n2 (excluded). ``%cd -N`` goes back to entry N.
        """
        dh = self._dh
        try:
            bounds = [int(x) for x in parameter_s.split()]
        except ValueError:
            raise UsageError("%dhist takes at most two integers") from None
        if not bounds:
            start, stop = 0, len(dh)
        elif len(bounds) == 1:
            start, stop = max(len(dh) - bounds[0], 0), len(dh)
        elif len(bounds) == 2:
            start, stop = bounds[0], min(bounds[1], len(dh))
        else:
            raise UsageError("%dhist takes at most two integers")
        print("Directory history (kept in _dh)")
        for i in range(start, stop):
            print(f"{i}: {dh[i]}")

    @line_magic
    def pushd(self, parameter_s: str = "") -> list[str]:
        """Put the current directory on the stack and change to ``dirname``: ``%pushd [dirname]``."""
        home = os.path.expanduser("~")
        cwd = os.getcwd()
        if parameter_s.strip():
            self.cd(parameter_s)
        self.dir_stack.insert(0, "~" + cwd[len(home) :] if cwd.startswith(home) else cwd)
        return self.dirs()

    @line_magic
    def popd(self, parameter_s: str = "") -> None:
        """Change to the directory on top of the stack (and remove it)."""
        if not self.dir_stack:
            raise UsageError("%popd on empty stack")
        top = self.dir_stack.pop(0)
        self.cd(top)
        print("popd ->", top)

    @line_magic
    def dirs(self, parameter_s: str = "") -> list[str]:
        """Return the directory stack of ``%pushd``."""
        return self.dir_stack

    # -- bookmarks ---------------------------------------------------------

    def _bookmarks_file(self) -> Any:
        paths = getattr(self.shell, "paths", None)
        return None if paths is None else paths.data_dir / "bookmarks.json"

    def _load_bookmarks(self) -> dict[str, str]:
        import json

        path = self._bookmarks_file()
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path else {}
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save_bookmarks(self, bookmarks: dict[str, str]) -> None:
        import json

        path = self._bookmarks_file()
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(bookmarks, indent=1, sort_keys=True), encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot save bookmarks to {path}: {e}") from None

    @line_magic
    def bookmark(self, parameter_s: str = "") -> None:
        """Manage directory bookmarks (kept across sessions).

        ``%bookmark name`` (the current directory), ``%bookmark name dir``,
        ``%bookmark -l`` (list), ``%bookmark -d name``, ``%bookmark -r`` (remove all).
        Go there with ``%cd -b name`` (or ``%cd name`` if no such directory).
        """
        opts, args = self.parse_options(parameter_s, "drl", mode="list")
        if len(args) > 2:
            raise UsageError("%bookmark: too many arguments")
        bookmarks = self._load_bookmarks()
        if "d" in opts:
            if not args:
                raise UsageError("%bookmark -d: must provide a bookmark to delete")
            if args[0] not in bookmarks:
                raise UsageError(f"%bookmark -d: Can't delete bookmark '{args[0]}'")
            del bookmarks[args[0]]
        elif "r" in opts:
            bookmarks = {}
        elif "l" in opts:
            width = max(map(len, bookmarks), default=0)
            print("Current bookmarks:")
            for name in sorted(bookmarks):
                print(f"{name:<{width}} -> {bookmarks[name]}")
            return
        elif not args:
            raise UsageError("%bookmark: You must specify the bookmark name")
        else:
            target = args[1] if len(args) == 2 else os.getcwd()
            bookmarks[args[0]] = os.path.abspath(os.path.expanduser(target))
        self._save_bookmarks(bookmarks)

    # -- environment -------------------------------------------------------

    @line_magic
    def env(self, parameter_s: str = "") -> Any:
        """Get, set or list environment variables.

        ``%env``: all of them (values of names with key/token/secret hidden);
        ``%env VAR``: its value; ``%env VAR=value`` or ``%env VAR value``: set it.
        """
        text = parameter_s.strip()
        if text:
            if "=" not in text and len(text.split()) == 1:
                if text in os.environ:
                    return os.environ[text]
                raise UsageError(f"Environment does not have key: {text}")
            return self.set_env(text)
        env = dict(os.environ)
        for key in env:
            if any(word in key.lower() for word in _SECRET_WORDS):
                env[key] = "<hidden>"
        return env

    @line_magic
    def set_env(self, parameter_s: str = "") -> None:
        """Set an environment variable: ``%set_env VAR=value`` or ``%set_env VAR value``."""
        sep = "=" if "=" in parameter_s else None
        bits = parameter_s.strip().split(sep, 1)
        if len(bits) < 2 or not bits[0].strip():
            raise UsageError("usage is 'set_env var=val'")
        var, value = bits[0].strip(), bits[1].strip()
        if re.search(r"\s", var):
            raise UsageError(f"refusing to set env var with whitespace: '{var}'")
        os.environ[var] = value
        print(f"env: {var}={value}")

    # -- aliases -----------------------------------------------------------

    @line_magic
    def alias(self, parameter_s: str = "") -> list[tuple[str, str]] | None:
        """Define an alias for a system command: ``%alias name cmd``.

        Then ``name args`` runs ``cmd args``. ``%s`` in cmd takes one argument
        each (``%alias parts echo first %s second %s``); ``%l`` the whole line
        (``%alias bracket echo "<%l>"``). Without arguments, list the aliases.
        """
        text = parameter_s.strip()
        if not text:
            aliases = sorted(self.alias_manager.aliases)
            print("Total number of aliases:", len(aliases))
            sys.stdout.flush()
            return aliases
        parts = text.split(None, 1)
        if len(parts) < 2:
            raise UsageError("usage is '%alias name command'")
        try:
            self.alias_manager.define_alias(parts[0], parts[1])
        except AliasError as e:
            print(e)
        return None

    @line_magic
    def rehashx(self, parameter_s: str = "") -> None:
        """Make every executable on ``$PATH`` an alias: then ``git status`` runs git."""
        count = self.alias_manager.define_path_aliases()
        print(f"{count} commands on $PATH are aliases now (%alias lists them).")

    @line_magic
    def unalias(self, parameter_s: str = "") -> None:
        """Remove an alias: ``%unalias name``."""
        try:
            self.alias_manager.undefine_alias(parameter_s.strip())
        except ValueError as e:
            print(e)

    # -- running commands --------------------------------------------------

    @line_cell_magic
    def sx(self, line: str = "", cell: str | None = None) -> Any:
        """Run a shell command and return its output as a list of lines (``!!cmd``).

        As a cell magic, ``--out name`` stores the list in ``name`` instead.
        """
        if cell is None:
            return self.shell.getoutput(line)
        opts, _ = self.parse_options(line, "", "out=")
        output = self.shell.getoutput(cell)
        if opts.get("out"):
            self.shell.user_ns[opts["out"]] = output
            return None
        return output

    system = line_cell_magic("system")(sx)

    @line_magic
    def pip(self, line: str = "") -> None:
        """Run pip of the interpreter this shell runs in: ``%pip install pkg``.

        Packages then install into the environment that ``import`` searches,
        which a plain ``!pip`` does not guarantee.
        """
        import shlex

        from .script import ProcessInterrupted, run_streaming, stream_writer

        argv = [sys.executable, "-m", "pip", *shlex.split(line)]
        out, err = stream_writer(sys.stdout), stream_writer(sys.stderr)
        try:
            run_streaming(argv, None, out, err, inherit_stdin=True)
        except ProcessInterrupted as e:
            print(f"Process was {e.how}.")
        except OSError as e:
            raise UsageError(f"cannot run pip: {e}") from None
        print("Note: you may need to restart the kernel to use updated packages.")


def _config_get(shell: ShellAPI | None, key: str, default: Any) -> Any:
    if shell is None:
        return default
    try:
        return shell.config[key]
    except (AttributeError, KeyError, TypeError, LookupError):
        return default
