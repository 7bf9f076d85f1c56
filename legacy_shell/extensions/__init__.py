"""Extensions bundled with the shell, loaded by their short name.

``%load_ext autoreload`` finds ``legacy_shell.extensions.autoreload`` when no
top-level module of that name exists: the extension manager falls back to this
package. Each module here is an ordinary extension (``load_ipython_extension``
/ ``unload_ipython_extension``) and is imported only when loaded, never at
start-up.
"""

from __future__ import annotations

__all__: list[str] = []
