"""Magics that only make sense in a kernel: ``%connect_info``.

A kernel has a connection file that other clients need in order to attach
(``ipython --existing``, ``jupyter console --existing``); ``%connect_info``
shows it, key included, as Jupyter's own kernels do (whoever can run code in
the kernel can read the key anyway). The kernel app registers these magics and
tells them its connection file: ``KernelMagics(shell, connection_file=path)``.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from legacy_shell.api import ShellAPI
from legacy_shell.errors import UsageError
from legacy_shell.magic import Magics, line_magic, magics_class

__all__ = ["KernelMagics", "connect_info_text"]


def _runtime_dir() -> Path | None:
    try:
        from ..connection import runtime_dir
    except ImportError:
        return None
    return runtime_dir()


def connect_info_text(connection_file: Path, info: dict[str, Any]) -> str:
    """The JSON, then how to attach: a bare name when the file is in the runtime dir."""
    runtime = _runtime_dir()
    in_runtime = runtime is not None and connection_file.parent.resolve() == runtime.resolve()
    name = connection_file.name if in_runtime else str(connection_file)
    body = json.dumps(info, indent=2, sort_keys=True)
    lines = [
        body,
        "",
        "On this machine, connect with:",
        f"    $> ipython --existing {name}",
        "or, if this is the most recent kernel you have started, just:",
        "    $> ipython --existing",
        "Elsewhere, copy the file with its permissions kept private (it holds the key):",
        f"    $> scp -p {socket.gethostname()}:{connection_file} kernel.json",
        "or paste the JSON above into a file only you can read, and connect with it:",
        "    $> (umask 077 && cat > kernel.json)    # paste, then Ctrl-D",
        "    $> ipython --existing ./kernel.json",
        f"Other Jupyter clients: jupyter console --existing {name}",
    ]
    return "\n".join(lines)


_TERMINALS_JOB = (
    "%{name}: answered by the terminal of `ipython --two-process`; from this client, "
    "use its own command to {what} the kernel (JupyterLab: Kernel menu)"
)


@magics_class
class KernelMagics(Magics):
    """``%connect_info``; constructed by the kernel app with its connection file.

    ``%restart`` and ``%shutdown_kernel`` reach the kernel only from clients
    other than our terminal (which answers them itself): one line says what to do.
    """

    def __init__(
        self, shell: ShellAPI | None = None, connection_file: str | Path | None = None, **kw: Any
    ):
        super().__init__(shell, **kw)
        self.connection_file = Path(connection_file) if connection_file is not None else None

    @line_magic
    def connect_info(self, parameter_s: str = "") -> None:
        """Print the kernel's connection information and how to attach another client."""
        if self.connection_file is None:
            raise UsageError("this kernel was started without a connection file")
        try:
            info = json.loads(self.connection_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise UsageError(
                f"cannot read the connection file {self.connection_file}: {e}"
            ) from None
        print(connect_info_text(self.connection_file, info))

    @line_magic
    def restart(self, parameter_s: str = "") -> None:
        """Restart the kernel: the terminal's job (``ipython --two-process``)."""
        raise UsageError(_TERMINALS_JOB.format(name="restart", what="restart"))

    @line_magic
    def shutdown_kernel(self, parameter_s: str = "") -> None:
        """Stop the kernel: the terminal's job (``ipython --two-process``)."""
        raise UsageError(_TERMINALS_JOB.format(name="shutdown_kernel", what="shut down"))
