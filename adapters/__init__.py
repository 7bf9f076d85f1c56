"""The shell in another process, used as if it were here: the proxy, and the mode switch.

``connect(connection_file)`` attaches to a running kernel and returns a
``ShellProxy``: the shell's public API (``legacy_shell.api.ShellAPI``) over
the kernel's RPC channel. ``get_shell(mode)`` returns the real shell
(``inprocess``) or a proxy to a kernel it starts (``two-process``); the mode
comes from the argument, else ``LEGACY_SHELL_MODE``, else ``inprocess``. The
pytest plugin (``adapters.pytest_plugin``) runs a test suite in either mode
or both. This package uses ``split`` (the kernel side of the channel) and
``legacy_shell``; neither imports it.
"""

from __future__ import annotations

from .connect import MODE_VARIABLE, MODES, connect, get_shell, resolve_mode
from .errors import CallTimeout, KernelDied, ProxyError, RemoteError
from .proxy import ShellProxy
from .values import RemoteRef

#: Which distribution this package belongs to (the launcher checks it).
__project__ = "legacy-shell"

__all__ = [
    "MODES",
    "MODE_VARIABLE",
    "CallTimeout",
    "KernelDied",
    "ProxyError",
    "RemoteError",
    "RemoteRef",
    "ShellProxy",
    "connect",
    "get_shell",
    "resolve_mode",
]
