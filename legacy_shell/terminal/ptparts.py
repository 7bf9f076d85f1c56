"""prompt_toolkit pieces fed by a ``Backend``: completer, history, key bindings, prompts.

Imported only by :mod:`.app`, itself imported only when a real terminal is
about to be shown: prompt_toolkit and pygments cost start-up time that
``ipython -c`` and piped input must not pay.

Completion runs in a worker thread (``ThreadedCompleter``), so a slow backend
(jedi, a busy kernel) never freezes the prompt. History is what the backend
remembers across sessions plus what this session typed; nothing is written
here, because the backend stores each cell it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import emacs_insert_mode, has_focus, has_selection, vi_insert_mode
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import History
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from .backend import Backend
from .session import TerminalOptions, block_code, continuation_prompt, format_prompt

__all__ = ["BackendCompleter", "BackendHistory", "PromptParts", "enter_action", "key_bindings"]


class BackendCompleter(Completer):
    """Completions from ``backend.complete``; a failing backend just offers none."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        cursor = document.cursor_position
        try:
            reply = self.backend.complete(document.text, cursor)
        except Exception:  # BackendDied included
            # a completion must never take the prompt down; a dead backend is
            # reported when the next cell runs
            return
        seen: set[str] = set()
        for item in reply.matches:
            if item.start > cursor or item.text in seen:
                continue
            seen.add(item.text)
            meta = item.type if item.type not in ("", "<unknown>") else ""
            yield Completion(
                item.text, start_position=item.start - cursor, display=item.text, display_meta=meta
            )


class BackendHistory(History):
    """Past inputs from ``backend.history`` (oldest first there, newest first here)."""

    def __init__(self, backend: Backend, limit: int) -> None:
        super().__init__()
        self.backend = backend
        self.limit = limit

    def load_history_strings(self) -> Iterator[str]:
        try:
            entries = self.backend.history(self.limit)
        except Exception:  # BackendDied included
            entries = []
        yield from reversed(entries)

    def store_string(self, string: str) -> None:
        """Nothing to do: the backend records each cell it runs."""


def enter_action(backend: Backend, text: str, cursor: int) -> tuple[str, str]:
    """Decide what Enter does: ``("submit", "")`` or ``("newline", indent)``.

    As IPython's: a one-line cell is judged whole wherever the cursor is (so a
    line recalled by Ctrl-R runs at once); in a longer cell, Enter on a line
    above the last one opens a new line, and on the last line the backend's
    ``is_complete`` decides on the text before the cursor. If the backend
    cannot answer, the cell is submitted and the backend reports what is wrong.
    """
    lines = text.split("\n")
    before = text if len(lines) == 1 else text[:cursor]
    row = text[:cursor].count("\n")
    blank_at_end = 0
    for line in reversed(lines):
        if line.strip():
            break
        blank_at_end += 1
    try:
        status, indent = backend.is_complete(block_code(before.split("\n")))
    except Exception:  # BackendDied included
        status, indent = "unknown", None
    if row < len(lines) - 1 and row < len(lines) - blank_at_end:
        return "newline", (indent or "") if status == "incomplete" else ""
    if status == "incomplete":
        return "newline", indent or ""
    return "submit", ""


def key_bindings(backend: Backend, options: TerminalOptions) -> KeyBindings:
    """Enter submits a complete cell or opens a new (indented) line; Alt-Enter: new line.

    With a kernel behind the backend, Ctrl-X Ctrl-R restarts it (``%restart``).
    """
    kb = KeyBindings()
    insert_mode = emacs_insert_mode | vi_insert_mode

    @kb.add("enter", filter=has_focus(DEFAULT_BUFFER) & ~has_selection & insert_mode)
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None:
            if state.current_completion is not None:
                buffer.apply_completion(state.current_completion)
                return
            buffer.cancel_completion()
        doc = buffer.document
        action, indent = enter_action(backend, doc.text, doc.cursor_position)
        if action == "newline":
            buffer.insert_text("\n" + (indent if options.autoindent else ""))
            return
        cleaned = doc.text.rstrip()
        if cleaned != doc.text:
            buffer.document = Document(cleaned, len(cleaned))
        buffer.validate_and_handle()

    @kb.add("escape", "enter", filter=has_focus(DEFAULT_BUFFER))
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    if callable(getattr(backend, "restart", None)):
        # a backend with a kernel behind it: Ctrl-X Ctrl-R restarts it, as %restart does
        @kb.add("c-x", "c-r", filter=has_focus(DEFAULT_BUFFER))
        def _restart(event: KeyPressEvent) -> None:
            buffer = event.current_buffer
            buffer.document = Document("%restart", len("%restart"))
            buffer.validate_and_handle()

    return kb


class PromptParts:
    """The ``In [n]:`` prompt and its right-aligned continuation, as styled text."""

    STYLE = {
        "prompt": "ansigreen",
        "prompt.num": "ansibrightgreen bold",
        "continuation": "ansigreen",
    }

    def __init__(self, backend: Backend, options: TerminalOptions) -> None:
        self.backend = backend
        self.options = options

    def message(self) -> StyleAndTextTuples:
        count = self.backend.execution_count
        head, sep, tail = self.options.in_prompt.partition("{count}")
        if not sep:
            return [("class:prompt", format_prompt(self.options.in_prompt, count))]
        return [
            ("class:prompt", format_prompt(head, count)),
            ("class:prompt.num", str(count)),
            ("class:prompt", format_prompt(tail, count)),
        ]

    def continuation(self, width: int, line_number: int, wrap_count: int) -> StyleAndTextTuples:
        return [("class:continuation", continuation_prompt(self.options.continuation, width))]

    def style(self) -> Any:
        from prompt_toolkit.styles import Style

        return Style.from_dict(self.STYLE if self.options.colors else {})
