"""Placeholder: being written (see the magics package docstring)."""

from __future__ import annotations

from ..magic import Magics, magics_class

__all__ = ["InspectionMagics"]


@magics_class
class InspectionMagics(Magics):
    pass
