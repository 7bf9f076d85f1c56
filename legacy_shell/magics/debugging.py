"""Placeholder: being written (see the magics package docstring)."""

from __future__ import annotations

from ..magic import Magics, magics_class

__all__ = ["DebuggingMagics"]


@magics_class
class DebuggingMagics(Magics):
    pass
