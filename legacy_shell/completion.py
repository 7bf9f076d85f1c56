"""Tab completion: one ``Completer`` per shell, used by the terminal and by kernels.

The fast completers of :mod:`legacy_shell.completers` (namespace, paths, import
statements, magics) answer from memory. For Python code the namespace cannot
answer (it found nothing), jedi may add
type-aware results: it runs in a daemon worker thread while the fast answer is
computed, and the caller waits for it at most ``completion.timeout`` seconds in
total, so a slow inference never freezes the prompt. A jedi call still running
from an earlier request is not doubled: that request simply gets no jedi
results.

``completions(code, cursor_pos)`` returns offset-based ``Completion`` records
(what a kernel's ``complete_reply`` and prompt_toolkit need);
``complete(text, line, cursor_pos)`` is IPython's older text-based form.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from .completers.base import Completion, Context
from .completers.jedi_source import CompletionSource, JediSource

__all__ = ["Completer", "Completion", "CompletionSource", "JediSource"]

_SHELL_ESCAPE = re.compile(r"^\s*!")
_TOKEN = re.compile(r"[\w.%]*$")


def _exclusive_completers() -> tuple[Callable[[Context], list[Completion] | None], ...]:
    """Completers that, when they recognise the context, give the whole answer.

    Imported on first completion, not at shell start-up."""
    from .completers.magics import magic_argument_completions, magic_name_completions
    from .completers.modules import import_completions
    from .completers.python import dict_key_completions

    return (
        magic_name_completions,
        magic_argument_completions,
        import_completions,
        dict_key_completions,
    )


class _HasMagics(Protocol):
    magics: dict[str, dict[str, Any]]


class CompleterHost(Protocol):
    """What completion reads of the shell: its settings, namespace and magics."""

    @property
    def config(self) -> Any: ...  # ShellConfig or a test's mapping: ``[key]`` and ``get``
    @property
    def user_ns(self) -> dict[str, Any]: ...
    @property
    def magics_manager(self) -> _HasMagics: ...


class Completer:
    """Completion for one shell; reads ``user_ns``, the magics table and ``config``.

    ``jedi_source`` can be replaced (tests inject a slow fake; ``None`` keeps
    jedi). The ``completion.jedi`` config key turns it off altogether.
    """

    def __init__(self, shell: CompleterHost, jedi_source: CompletionSource | None = None) -> None:
        self.shell = shell
        self.jedi_source: CompletionSource = jedi_source or JediSource()
        self._jedi_idle = threading.Lock()

    # -- public API --------------------------------------------------------------
    def completions(self, code: str, cursor_pos: int | None = None) -> list[Completion]:
        """Sorted, deduplicated completions at ``cursor_pos`` (offsets into ``code``)."""
        cursor = len(code) if cursor_pos is None else max(0, min(cursor_pos, len(code)))
        ctx = self._context(code, cursor)
        results = self._exclusive(ctx)
        if results is not None:
            return self._finish(results, bare=False)
        from .completers.python import attribute_completions, name_completions

        deadline = time.monotonic() + self._timeout()
        attributes = attribute_completions(ctx)
        bare = attributes is None
        results = (attributes if attributes is not None else name_completions(ctx)) or []
        if not results and self._jedi_enabled():
            # jedi only where the namespace cannot answer (the attributes of a call's
            # result, names defined earlier in the cell): it costs tens of milliseconds
            pending = self._start_jedi(code, cursor)
            if pending is not None:
                done, box = pending
                if done.wait(max(0.0, deadline - time.monotonic())):
                    results = results + box
        return self._finish(results, bare=bare)

    def complete(
        self, text: str = "", line: str | None = None, cursor_pos: int | None = None
    ) -> tuple[str, list[str]]:
        """IPython's form: ``(matched_text, matches)``, matches as whole tokens.

        ``complete("os.pa")`` gives ``("os.pa", ["os.pardir", "os.path", ...])``.
        """
        if line is None:
            line = text
        cursor = len(line) if cursor_pos is None else cursor_pos
        found = self.completions(line, cursor)
        token = _TOKEN.search(line[:cursor])
        start = cursor - len(token.group()) if token else cursor
        start = min([start, *(c.start for c in found)])
        matches = [line[start : c.start] + c.text for c in found]
        return line[start:cursor], list(dict.fromkeys(matches))

    # -- the parts ---------------------------------------------------------------
    def _context(self, code: str, cursor: int) -> Context:
        config = self.shell.config
        return Context(
            code=code,
            cursor=cursor,
            namespace=self.shell.user_ns,
            magics=self.shell.magics_manager.magics,
            config_keys=tuple(config),
            automagic=bool(config.get("shell.automagic", True)),
        )

    def _exclusive(self, ctx: Context) -> list[Completion] | None:
        """The answer of a context that is not plain Python (no jedi for these)."""
        from .completers.paths import path_completions
        from .completers.python import string_state

        for completer in _exclusive_completers():
            results = completer(ctx)
            if results is not None:
                return results
        line = ctx.line
        if _SHELL_ESCAPE.match(line):
            word = re.search(r"(?:\\ |[^\s])*$", line)
            typed = word.group() if word else ""
            return path_completions(typed.replace("\\ ", " "), ctx.cursor - len(typed), ctx.cursor)
        state = string_state(line)
        if state is not None:
            quote, content = state
            typed = line[content:]
            start = ctx.line_start + content
            return path_completions(typed, start, ctx.cursor, quote=quote[0])
        return None

    def _jedi_enabled(self) -> bool:
        return bool(self.shell.config.get("completion.jedi", True))

    def _timeout(self) -> float:
        return max(0.0, float(self.shell.config.get("completion.timeout", 0.4)))

    def _start_jedi(
        self, code: str, cursor: int
    ) -> tuple[threading.Event, list[Completion]] | None:
        """Run the slow source in a daemon thread; ``None`` if one is still busy."""
        if not self._jedi_idle.acquire(blocking=False):
            return None
        done = threading.Event()
        box: list[Completion] = []
        namespace = dict(self.shell.user_ns)
        source = self.jedi_source

        def work() -> None:
            try:
                box.extend(source(code, cursor, namespace))
            except Exception:  # jedi fails in many ways on odd code; the fast answer stands
                pass
            finally:
                self._jedi_idle.release()
                done.set()

        threading.Thread(target=work, name="legacy-shell-jedi", daemon=True).start()
        return done, box

    def _finish(self, results: list[Completion], bare: bool) -> list[Completion]:
        """Deduplicate (first wins) and sort: user names first for bare names,
        then alphabetical, private names last, magics after names."""
        unique: dict[tuple[int, str], Completion] = {}
        for c in results:
            unique.setdefault((c.start, c.text), c)
        namespace = self.shell.user_ns

        def key(c: Completion) -> tuple[int, int, str, str]:
            name = c.text.rstrip("/").rsplit("/", 1)[-1].lstrip("%")
            privacy = 2 if name.startswith("__") else 1 if name.startswith(("_", ".")) else 0
            if c.type == "magic":
                group, privacy = 2, len(c.text) - len(c.text.lstrip("%"))
            elif bare and c.text in namespace:
                group = 0
            else:
                group = 1
            return group, privacy, c.text.lower(), c.text

        if all(c.type == "dict key" for c in unique.values()):
            return list(unique.values())
        return sorted(unique.values(), key=key)
