"""Where the shell keeps its files (never IPython's ``~/.ipython``).

``LEGACY_SHELL_DIR`` puts everything (config, startup, history) under one
directory, which is what tests and portable installs want. Otherwise the XDG
base directories are followed: config and ``startup/`` in
``$XDG_CONFIG_HOME/legacy-shell``, history in ``$XDG_DATA_HOME/legacy-shell``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["APP_NAME", "ENV_DIR", "ShellPaths"]

APP_NAME = "legacy-shell"
ENV_DIR = "LEGACY_SHELL_DIR"


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var, "")
    base = Path(value) if value and os.path.isabs(value) else Path.home() / default
    return base / APP_NAME


@dataclass(frozen=True)
class ShellPaths:
    config_dir: Path
    data_dir: Path

    @classmethod
    def from_env(cls) -> ShellPaths:
        """Resolve the directories from the environment (nothing is created)."""
        override = os.environ.get(ENV_DIR)
        if override:
            root = Path(override).expanduser()
            return cls(config_dir=root, data_dir=root)
        return cls(
            config_dir=_xdg("XDG_CONFIG_HOME", ".config"),
            data_dir=_xdg("XDG_DATA_HOME", ".local/share"),
        )

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def startup_dir(self) -> Path:
        return self.config_dir / "startup"

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.sqlite"

    @property
    def store_dir(self) -> Path:
        """Where ``%store`` keeps variables, one file each."""
        return self.data_dir / "store"

    def startup_files(self) -> list[Path]:
        """``startup/*.py`` in name order (``00-first.py`` before ``10-next.py``)."""
        try:
            return sorted(p for p in self.startup_dir.glob("*.py") if p.is_file())
        except OSError:
            return []
