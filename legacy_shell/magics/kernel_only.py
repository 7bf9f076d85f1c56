"""Magics of the two-process mode, in one process: they say why they do nothing here.

``%restart``, ``%shutdown_kernel`` and ``%connect_info`` belong to a shell
whose code runs in a kernel (``ipython --two-process``); a kernel registers
its own ``%connect_info``, and its terminal answers the other two itself. In
one process there is no kernel: one line says so, and how to get one.
"""

from __future__ import annotations

from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["KernelOnlyMagics"]

_NO_KERNEL = (
    "%{name}: this shell runs in one process, so there is no kernel to {what}; "
    "`ipython --two-process` runs your code in a kernel"
)


@magics_class
class KernelOnlyMagics(Magics):
    """Stand-ins for the two-process magics."""

    @line_magic
    def restart(self, parameter_s: str = "") -> None:
        """Restart the kernel (two-process mode only)."""
        raise UsageError(_NO_KERNEL.format(name="restart", what="restart"))

    @line_magic
    def shutdown_kernel(self, parameter_s: str = "") -> None:
        """Stop the kernel and leave (two-process mode only)."""
        raise UsageError(_NO_KERNEL.format(name="shutdown_kernel", what="stop"))

    @line_magic
    def connect_info(self, parameter_s: str = "") -> None:
        """How to attach another client to the kernel (two-process mode only)."""
        raise UsageError(_NO_KERNEL.format(name="connect_info", what="attach to"))
