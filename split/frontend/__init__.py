"""The frontend (layer 6): ``legacy_shell``'s terminal over a kernel client.

There is no second copy of the UI: the terminal of ``legacy_shell`` talks to a
``Backend``, and :class:`.backend.KernelBackend` is one that runs code in a
kernel process over the Jupyter messaging protocol, survives the kernel's
death (one plain line, a fresh kernel, history intact) and never lets a busy
kernel freeze the prompt. :mod:`.app` runs the usual ``ipython`` options over
it; :mod:`.kernels` hides whether the kernel is ours or attached.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend import FRONTEND_MAGICS, KernelBackend
    from .crashpolicy import CrashPolicy
    from .kernels import AttachedKernel, KernelHandle, OwnKernel

#: Imported on first use: ``ipython --two-process`` launches the kernel before it
#: loads the backend, so the two overlap.
_EXPORTS = {
    "FRONTEND_MAGICS": ".backend",
    "KernelBackend": ".backend",
    "CrashPolicy": ".crashpolicy",
    "AttachedKernel": ".kernels",
    "KernelHandle": ".kernels",
    "OwnKernel": ".kernels",
}

__all__ = [
    "FRONTEND_MAGICS",
    "AttachedKernel",
    "CrashPolicy",
    "KernelBackend",
    "KernelHandle",
    "OwnKernel",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
