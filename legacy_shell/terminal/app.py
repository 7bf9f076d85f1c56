"""The prompt_toolkit terminal: IPython's prompt over any ``Backend``.

``In [n]:`` prompts with a right-aligned ``...:`` continuation, multi-line
editing where Enter submits once ``is_complete`` says so, syntax highlighting,
a threaded completion menu, history across sessions with up-arrow and Ctrl-R,
Ctrl-C to drop the line, Ctrl-D (or ``exit``) to leave. Running code is not
this module's business: it hands each cell to :func:`.session.run_code`, so the
in-process shell and a kernel client behave alike under it.
"""

from __future__ import annotations

import sys
from typing import Any

from ..errors import ShellError
from .backend import Backend
from .session import (
    ConsoleHandler,
    TerminalOptions,
    ask_exit_confirmation,
    on_empty_line,
    report_death,
    run_code,
)

__all__ = ["DiedAtPrompt", "TerminalApp", "run_prompt_toolkit"]


class DiedAtPrompt(ShellError):
    """The backend died while the user was typing; ``text`` is what they had typed."""

    def __init__(self, text: str) -> None:
        super().__init__("the backend died at the prompt")
        self.text = text


class TerminalApp:
    """One interactive session: a ``PromptSession`` built from a backend and options."""

    def __init__(self, backend: Backend, options: TerminalOptions) -> None:
        self.backend = backend
        self.options = options
        self.handler = ConsoleHandler(options)
        self.session = self._build_session()

    def _build_session(self) -> Any:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.completion import ThreadedCompleter
        from prompt_toolkit.enums import EditingMode
        from prompt_toolkit.shortcuts import CompleteStyle

        from .ptparts import BackendCompleter, BackendHistory, PromptParts, key_bindings

        parts = PromptParts(self.backend, self.options)
        lexer = None
        if self.options.highlight and self.options.colors:
            from prompt_toolkit.lexers import PygmentsLexer
            from pygments.lexers.python import PythonLexer

            lexer = PygmentsLexer(PythonLexer)
        mode = EditingMode.VI if self.options.editing_mode == "vi" else EditingMode.EMACS
        return PromptSession(
            message=parts.message,
            prompt_continuation=parts.continuation,
            multiline=True,
            history=BackendHistory(self.backend, self.options.history_length),
            completer=ThreadedCompleter(BackendCompleter(self.backend)),
            complete_while_typing=False,
            complete_style=CompleteStyle.MULTI_COLUMN,
            lexer=lexer,
            style=parts.style(),
            include_default_pygments_style=self.options.colors,
            key_bindings=key_bindings(self.backend, self.options),
            editing_mode=mode,
            enable_history_search=False,
            tempfile_suffix=".py",
        )

    def read_cell(self, default: str = "") -> str:
        """One cell from the prompt; ``KeyboardInterrupt``/``EOFError`` as prompt_toolkit raises.

        With a backend that can die (a kernel), the prompt also ends with
        ``DiedAtPrompt`` when it dies meanwhile, keeping what was typed; output
        that comes from it meanwhile (a thread's print after its cell ended) is
        printed above the prompt.
        """
        died = getattr(self.backend, "died", None)
        waiting = getattr(self.backend, "output_waiting", None)
        if died is None and waiting is None:
            return str(self.session.prompt(default=default))

        def pre_run() -> None:
            app = self.session.app

            async def watch() -> None:
                import asyncio

                from prompt_toolkit.application import run_in_terminal

                show = getattr(self.backend, "show_waiting_output", None)
                # the death itself is noticed by a thread blocked on the kernel
                # process; the prompt's event loop looks at that flag, and at output
                # that came meanwhile, 20 times a second
                while died is None or not died.is_set():
                    if waiting is not None and show is not None and waiting():
                        # printed above the prompt; what is being typed stays as it was
                        await run_in_terminal(show)
                    await asyncio.sleep(0.05)
                if app.is_running:
                    app.exit(exception=DiedAtPrompt(app.current_buffer.text))

            app.create_background_task(watch())

        return str(self.session.prompt(default=default, pre_run=pre_run))

    def confirm_exit(self) -> bool:
        return not self.options.confirm_exit or ask_exit_confirmation(input)

    def run(self) -> int:
        """The read-run loop; returns the exit status."""
        out = sys.stdout
        if self.options.banner:
            out.write(self.backend.banner())
        next_input = ""
        while True:
            died = getattr(self.backend, "died", None)
            if died is not None and died.is_set() and not self._report_death():
                break
            self.backend.pre_prompt()
            out.write("\n")  # IPython's separate_in: a blank line before each prompt
            out.flush()
            try:
                code = self.read_cell(next_input)
            except DiedAtPrompt as gone:
                next_input = gone.text  # what was being typed comes back on the new prompt
                out.write("\n")
                if not self._report_death():
                    break
                continue
            except KeyboardInterrupt:
                next_input = ""
                continue
            except EOFError:
                next_input = ""
                if self.confirm_exit():
                    break
                continue
            next_input = ""
            if not code.strip():
                on_empty_line(self.backend)
                continue
            outcome = run_code(self.backend, code, self.handler, out)
            if outcome.next_input is not None:
                next_input = outcome.next_input
            if outcome.exit_requested:
                break
        self.backend.shutdown()
        return 0

    def _report_death(self) -> bool:
        """One line about a death noticed outside a cell, and a fresh backend; False: leave."""
        return report_death(self.backend, self.backend.death_at_prompt(), sys.stdout)  # type: ignore[attr-defined]


def run_prompt_toolkit(backend: Backend, options: TerminalOptions) -> int:
    """Run the prompt_toolkit terminal over ``backend`` until the user leaves."""
    return TerminalApp(backend, options).run()
