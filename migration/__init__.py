"""Porting extensions from the legacy shell API to the proxy-safe one (``ShellAPI``).

``shell-migrate audit`` lists every access to the shell and classes it:
*proxy-safe* (in ``ShellAPI``), *rewritable* (a codemod rule ports it) or
*manual* (with the reason). ``shell-migrate codemod`` applies the rules, as a
diff or in place. What is proxy-safe is read from ``legacy_shell/api.py`` at
audit time (:mod:`.contract`); this package imports none of the shell's
packages (an import-linter contract checks it).
"""

from __future__ import annotations

__all__: list[str] = []
