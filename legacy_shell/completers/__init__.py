"""The completers behind :class:`legacy_shell.completion.Completer`, one module per kind.

``python`` (names, attributes, dict keys from live objects), ``paths`` (file
names), ``modules`` (import statements), ``magics`` (magic names and arguments)
and ``jedi_source`` (type-aware, slow, run under a time budget). Each is a
function of a :class:`~legacy_shell.completers.base.Context`, testable alone.
"""

from __future__ import annotations

from .base import Completion, Context

__all__ = ["Completion", "Context"]
