"""What the kernel says about itself: the content of ``kernel_info_reply``.

Frontends read it to choose syntax highlighting (``pygments_lexer``,
``codemirror_mode``), file extensions for "save as script", the banner they
show at start, and which protocol version to speak. Built once per
interpreter: none of it changes while the kernel runs.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

import legacy_shell
from legacy_shell.banner import banner

__all__ = ["PROTOCOL_VERSION", "default_banner", "help_links", "kernel_info", "language_info"]

#: The Jupyter messaging protocol version this kernel speaks (as in ``split.wire``).
PROTOCOL_VERSION = "5.3"

_PYTHON_DOCS = "https://docs.python.org/3/"


def default_banner() -> str:
    """The shell's banner (static: a kernel answers before its shell is built)."""
    return banner()


def help_links() -> list[dict[str, str]]:
    """Python's documentation, and this project's own guide when it is installed with it."""
    links = [{"text": "Python Reference", "url": _PYTHON_DOCS}]
    docs = Path(legacy_shell.__file__).resolve().parent.parent / "docs"
    if docs.is_dir():
        links.append({"text": "legacy-shell documentation", "url": docs.as_uri()})
    return links


def language_info() -> dict[str, Any]:
    """The ``language_info`` of a Python kernel with IPython syntax."""
    return {
        "name": "python",
        "version": platform.python_version(),
        "mimetype": "text/x-python",
        "file_extension": ".py",
        "pygments_lexer": "ipython3",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "nbconvert_exporter": "python",
    }


def kernel_info(banner: str | None = None) -> dict[str, Any]:
    """The ``kernel_info_reply`` content, with ``banner`` (default: :func:`default_banner`)."""
    return {
        "status": "ok",
        "protocol_version": PROTOCOL_VERSION,
        "implementation": "legacy-shell",
        "implementation_version": legacy_shell.__version__,
        "language_info": language_info(),
        "banner": default_banner() if banner is None else banner,
        "help_links": help_links(),
    }
