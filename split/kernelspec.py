"""The ``legacy-shell`` kernelspec: how Jupyter clients start our kernel.

``ipython kernelspec install`` writes ``kernel.json`` where Jupyter looks for
kernels (``jupyter console --kernel legacy-shell``, nbclient, JupyterLab).
Its ``argv`` names the installing interpreter by absolute path, with ``-m
split.kernel``, so that no other ``ipython`` or ``python`` on the PATH can be
started by mistake. ``interrupt_mode`` is ``signal``: the kernel turns SIGINT
into ``KeyboardInterrupt`` in the running cell.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from .errors import SplitError

__all__ = [
    "DEFAULT_NAME",
    "KernelspecError",
    "install_kernelspec",
    "kernel_json",
    "kernelspec_dir",
    "user_kernels_dir",
]

DEFAULT_NAME = "legacy-shell"
DISPLAY_NAME = "Python 3 (legacy-shell)"


class KernelspecError(SplitError):
    """The kernelspec could not be installed; the message says where and why."""


def kernel_json(display_name: str | None = None, python: str | None = None) -> dict[str, Any]:
    """The content of ``kernel.json``."""
    return {
        "argv": [
            python or os.path.abspath(sys.executable),
            "-m",
            "split.kernel",
            "-f",
            "{connection_file}",
        ],
        "display_name": display_name or DISPLAY_NAME,
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False, "implementation": "legacy-shell"},
    }


def user_kernels_dir() -> Path:
    """Jupyter's per-user kernels directory (``$JUPYTER_DATA_DIR/kernels`` or the platform's)."""
    from . import connection

    data_dir = getattr(connection, "jupyter_data_dir", None) or connection._jupyter_data_dir
    return Path(data_dir()) / "kernels"


def kernelspec_dir(
    name: str = DEFAULT_NAME,
    *,
    user: bool = False,
    sys_prefix: bool = False,
    prefix: str | os.PathLike[str] | None = None,
) -> Path:
    """Where ``install_kernelspec`` puts the spec for the chosen place (exactly one)."""
    if sum((bool(user), bool(sys_prefix), prefix is not None)) != 1:
        raise KernelspecError("choose exactly one of --user, --sys-prefix and --prefix")
    if user:
        base = user_kernels_dir()
    elif sys_prefix:
        base = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    else:
        assert prefix is not None
        base = Path(prefix).expanduser().absolute() / "share" / "jupyter" / "kernels"
    return base / name


def install_kernelspec(
    name: str = DEFAULT_NAME,
    *,
    user: bool = False,
    sys_prefix: bool = False,
    prefix: str | os.PathLike[str] | None = None,
    display_name: str | None = None,
) -> Path:
    """Write ``<dir>/kernel.json``; returns the directory. Reinstalling overwrites it."""
    if not name or any(c in name for c in "/\\") or name.startswith("."):
        raise KernelspecError(f"invalid kernelspec name {name!r}")
    target = kernelspec_dir(name, user=user, sys_prefix=sys_prefix, prefix=prefix)
    data = json.dumps(kernel_json(display_name), indent=1) + "\n"
    try:
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / "kernel.json.tmp"
        tmp.write_text(data, encoding="utf-8")
        tmp.replace(target / "kernel.json")
    except OSError as e:
        raise KernelspecError(
            f"cannot write the kernelspec in {target}: {e.strerror or e}"
        ) from None
    return target
