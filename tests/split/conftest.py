"""Fixtures of the kernel tests: a real shell object in this process.

The kernel's interpreter wraps a shell *object*, not the shell API, so these
tests use ``real_shell`` (always in-process) rather than the plugin's
``shell`` fixture, which is a proxy in two-process mode.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.pytest_plugin import inprocess_shell
from legacy_shell.shell import InteractiveShell


@pytest.fixture
def real_shell() -> Iterator[InteractiveShell]:
    """A fresh ``InteractiveShell`` in this process (no colours), current for ``get_ipython()``."""
    with inprocess_shell() as shell:
        yield shell
