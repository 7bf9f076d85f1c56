"""Is the package of that name ours? A clear error when a foreign one shadows it.

The project's top-level names are generic (``adapters`` also exists on PyPI,
``split`` and ``migration`` are common words). Each of our packages sets
``__project__ = "legacy-shell"``; importing one through :func:`require_own`
fails with a sentence, not with a puzzling ``AttributeError`` later.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import ShellError

__all__ = ["PROJECT", "ForeignPackageError", "require_own"]

PROJECT = "legacy-shell"


class ForeignPackageError(ShellError, ImportError):
    """A package of one of our names was found, but it is somebody else's."""


def require_own(name: str) -> ModuleType:
    """Import top-level package ``name`` and check that it belongs to this project."""
    module = importlib.import_module(name)
    if getattr(module, "__project__", None) != PROJECT:
        where = getattr(module, "__file__", None) or "an unknown location"
        raise ForeignPackageError(
            f"The package {name!r} imported from {where} is not legacy-shell's: another "
            f"package of the same name shadows ours. Run legacy-shell from its own virtual "
            f"environment (./dev start), or remove the other {name!r} from the path."
        )
    return module
