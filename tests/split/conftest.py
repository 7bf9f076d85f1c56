"""Fixtures of the kernel tests: a real shell object in this process; the two-process terminal.

The kernel's interpreter wraps a shell *object*, not the shell API, so these
tests use ``real_shell`` (always in-process) rather than the plugin's
``shell`` fixture, which is a proxy in two-process mode. ``spawn`` starts
``ipython --two-process`` in a pseudo-terminal (see ``twoproc``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from twoproc import Spawn, spawner

from adapters.pytest_plugin import inprocess_shell
from legacy_shell.shell import InteractiveShell


@pytest.fixture
def real_shell() -> Iterator[InteractiveShell]:
    """A fresh ``InteractiveShell`` in this process (no colours), current for ``get_ipython()``."""
    with inprocess_shell() as shell:
        yield shell


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """Start ``ipython --two-process`` in a 24x100 xterm; afterwards no kernel may remain."""
    yield from spawner(tmp_path)
