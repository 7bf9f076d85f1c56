"""Placeholder: being written (see the magics package docstring)."""

from __future__ import annotations

from ..magic import Magics, magics_class

__all__ = ["DisplayMagics"]


@magics_class
class DisplayMagics(Magics):
    pass
