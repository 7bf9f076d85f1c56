"""Layer 4 of the split, deferred: an interpreter that answers before its shell exists.

Why: frontends and managers wait for a kernel's first ``kernel_info_reply``
before they call it started, and most of a kernel's start is importing and
building the shell (``legacy_shell.shell``, the interpreter, the magics). None
of that is needed for ``kernel_info``, whose content is static
(:mod:`.kernelinfo`). So the kernel core holds a :class:`LazyInterpreter`:
``kernel_info`` is answered from static data at once, while the real
interpreter is built once, on a background thread started as soon as the
channels are bound (:meth:`LazyInterpreter.start_building`), or, without that
thread, by the first request that needs it; every other request waits for it.

Two steps, because not everything may run on any thread: ``build`` (imports,
the shell, the interpreter) may run on the background thread; ``finish``
(making the shell current, the user's start-up files and extensions, which may
install signal handlers) runs once on the thread that first *uses* the
interpreter: the thread serving requests, the main thread in a kernel process.
``shutdown``, ``flush_output`` and ``close`` never build anything: a kernel
shut down before its first cell ends without ever running the user's start-up
files (a build already under way is waited for, then shut down properly).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import SplitError
from ..sigmask import start_helper_thread

if TYPE_CHECKING:
    from .core import InterpreterAPI

__all__ = ["InterpreterUnavailable", "LazyInterpreter"]

log = logging.getLogger(__name__)

#: How long ``shutdown`` waits for a build under way before leaving without it.
SHUTDOWN_BUILD_WAIT = 10.0


class InterpreterUnavailable(SplitError, RuntimeError):
    """The real interpreter could not be built; requests that need it fail with this."""


class LazyInterpreter:
    """The core's interpreter: ``kernel_info`` now, everything else once the real one is built."""

    def __init__(
        self,
        build: Callable[[], InterpreterAPI],
        kernel_info: Callable[[], dict[str, Any]],
        finish: Callable[[InterpreterAPI], None] | None = None,
    ) -> None:
        """``build()`` makes the real interpreter (any thread); ``finish(real)`` runs
        once, on the thread of the first request that uses it; ``kernel_info()``
        is the static reply content."""
        self._build = build
        self._finish = finish
        self._static_info = kernel_info
        self._info: dict[str, Any] | None = None
        self._lock = threading.Lock()  # held for the whole build
        self._real: InterpreterAPI | None = None
        self._error: BaseException | None = None
        self._finished = False
        self._finish_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- building ------------------------------------------------------------------

    @property
    def built(self) -> bool:
        """Whether the real interpreter exists (it may not be finished yet)."""
        return self._real is not None

    def start_building(self) -> None:
        """Build the real interpreter on a daemon thread now; requests wait for it."""
        if self._thread is not None or self._real is not None:
            return
        self._thread = threading.Thread(
            target=self._build_in_background, name="split-kernel-build", daemon=True
        )
        start_helper_thread(self._thread)

    def _build_in_background(self) -> None:
        try:
            self._build_once()
        except InterpreterUnavailable:
            pass  # logged; the requests that need it report it

    def _build_once(self) -> InterpreterAPI:
        with self._lock:
            if self._real is not None:
                return self._real
            if self._error is not None:
                raise InterpreterUnavailable(
                    f"the kernel's shell could not be built: {self._error}"
                )
            try:
                self._real = self._build()
            except Exception as e:
                log.exception("building the interpreter failed")
                self._error = e
                raise InterpreterUnavailable(f"the kernel's shell could not be built: {e}") from e
            return self._real

    def get(self) -> InterpreterAPI:
        """The real interpreter, built (or waited for) and finished on this thread if need be."""
        real = self._real if self._real is not None else self._build_once()
        if not self._finished:
            with self._finish_lock:
                if not self._finished:
                    self._finished = True
                    if self._finish is not None:
                        self._finish(real)
        return real

    # -- requests answered without the shell ----------------------------------------

    def kernel_info(self) -> dict[str, Any]:
        if self._info is None:
            self._info = self._static_info()
        return dict(self._info)

    def flush_output(self) -> None:
        if self._real is not None:
            self._real.flush_output()

    def shutdown(self, restart: bool) -> dict[str, Any]:
        """Shut the real interpreter down if it exists; never build it for that."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(SHUTDOWN_BUILD_WAIT)  # a half-built shell must still end cleanly
        if self._real is not None:
            return self._real.shutdown(restart)
        return {"status": "ok", "restart": bool(restart)}

    def close(self) -> None:
        close = getattr(self._real, "close", None)
        if close is not None:
            close()

    # -- requests that need the shell ----------------------------------------------

    @property
    def execution_count(self) -> int:
        return self.get().execution_count

    def execute(
        self,
        code: str,
        silent: bool = False,
        store_history: bool = True,
        user_expressions: dict[str, Any] | None = None,
        allow_stdin: bool = False,
        stop_on_error: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self.get().execute(
            code,
            silent=silent,
            store_history=store_history,
            user_expressions=user_expressions,
            allow_stdin=allow_stdin,
            stop_on_error=stop_on_error,
            metadata=metadata,
        )

    def complete(self, code: str, cursor_pos: int) -> dict[str, Any]:
        return self.get().complete(code, cursor_pos)

    def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> dict[str, Any]:
        return self.get().inspect(code, cursor_pos, detail_level)

    def is_complete(self, code: str) -> dict[str, Any]:
        return self.get().is_complete(code)

    def history(
        self,
        hist_access_type: str,
        output: bool = False,
        raw: bool = True,
        session: int = 0,
        start: int = 0,
        stop: int | None = None,
        n: int | None = None,
        pattern: str | None = None,
        unique: bool = False,
    ) -> dict[str, Any]:
        return self.get().history(
            hist_access_type,
            output=output,
            raw=raw,
            session=session,
            start=start,
            stop=stop,
            n=n,
            pattern=pattern,
            unique=unique,
        )

    def comm_info(self, target_name: str | None = None) -> dict[str, Any]:
        return self.get().comm_info(target_name)
