"""The shell's banner: what the terminal prints first and a kernel reports in ``kernel_info``.

Its own module, and static, so a kernel can answer ``kernel_info`` before its
shell is built.
"""

from __future__ import annotations

import sys

__all__ = ["banner"]


def banner() -> str:
    """``Python <version>`` and the shell's name and version, IPython's way."""
    from . import __version__

    version = sys.version.replace("\n", " ")
    return (
        f"Python {version}\n"
        "Type 'copyright', 'credits' or 'license' for more information\n"
        f"legacy_shell {__version__} -- An enhanced Interactive Python. Type '?' for help.\n"
    )
