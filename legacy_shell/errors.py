"""The shell's own exceptions.

One small hierarchy so that callers can tell a user's mistake (``UsageError``:
printed as one line, no traceback) from a fault in the shell itself.
"""

from __future__ import annotations

__all__ = ["ConfigError", "ExtensionError", "HistoryError", "ShellError", "UsageError"]


class ShellError(Exception):
    """Base class of every error the shell raises on purpose."""


class UsageError(ShellError):
    """A magic or command was used wrongly; shown as ``UsageError: message``."""


class ConfigError(ShellError, ValueError):
    """A configuration key or value is wrong (names the key and the expected type)."""


class ExtensionError(ShellError):
    """An extension could not be loaded, unloaded or reloaded."""


class HistoryError(ShellError):
    """The history store cannot be used (corrupt, locked, unwritable)."""
