"""Fixtures of the proxy's specification tests: one kernel per module, a fresh shell per test.

``kernel`` is shared by the tests of a module (a kernel starts in about half a
second; its state does not leak, since ``proxy`` gives every test a fresh shell
in it); ``fresh_kernel`` is a test's own, for tests that kill, block or
flood it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from proxy_support import Kernel, kernel_fixture

from adapters import ShellProxy


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    """A kernel shared by the tests of one module."""
    yield from kernel_fixture(tmp_path_factory.mktemp("kernel"))


@pytest.fixture
def proxy(kernel: Kernel) -> ShellProxy:
    """The shared kernel's proxy, its shell replaced by a fresh one for this test."""
    return kernel.fresh_shell()


@pytest.fixture
def fresh_kernel(tmp_path: Path) -> Iterator[Kernel]:
    """A kernel of this test alone (stopped, by pid, at its end)."""
    yield from kernel_fixture(tmp_path / "kernel")
