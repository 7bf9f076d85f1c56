"""split: the shell as a kernel and a terminal frontend, over the Jupyter messaging protocol.

Layers, each its own module (see docs/architecture.md, "split"): the wire codec
(``wire``), sessions and connection files, transports (ZeroMQ and in-memory),
the kernel core and its interpreter over a ``legacy_shell`` shell, the kernel
manager and client, the frontend backend, and the ``ipython`` launcher.
``split`` uses ``legacy_shell``; ``legacy_shell`` never imports ``split``.
"""

from __future__ import annotations

__version__ = "0.1.0"
#: Marks this package as ours (see ``legacy_shell.ownership``).
__project__ = "legacy-shell"

__all__ = ["__version__"]
