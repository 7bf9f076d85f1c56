"""The pytest plugin: one shell test suite, run in-process, in two processes, or both.

Registered through the ``pytest11`` entry point, so any project with this
package installed gets:

- ``--shell-mode=inprocess|two-process|both`` (default: ``$LEGACY_SHELL_MODE``,
  else ``inprocess``); with ``both`` every test that uses the ``shell`` fixture
  runs once per mode, with the ids ``[inprocess]`` and ``[two-process]``;
- the ``shell`` fixture: a shell in the state of a fresh one for every test.
  In-process it is a new ``InteractiveShell`` (what a shell changes in this
  process is put back afterwards); in two-process mode it is a ``ShellProxy``
  to one kernel per test session, whose shell is replaced by a fresh one
  before each test (``new_shell``: same config, this test's environment and
  working directory), and a new kernel after a crash or for a test marked
  ``fresh_kernel`` (what a new shell does not reset). What the kernel prints
  while serving a call is written to this process's ``sys.stdout``/``stderr``,
  so ``capsys`` and ``capfd`` see it;
- the marker ``inprocess_only(reason=...)`` for tests that cannot run against a
  proxy yet; the run ends with one line: how many tests ran in each mode and
  how many are in-process only.

Under coverage (``coverage run -m pytest``) the kernels are measured too:
coverage's ``patch = ["subprocess"]`` starts them measured and
``coverage combine`` merges their data files.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .connect import MODE_VARIABLE, MODES

__all__ = ["KernelSession", "inprocess_shell"]

_BOTH = "both"
_MARKER = "inprocess_only"
_FRESH = "fresh_kernel"
_MODE_KEY = pytest.StashKey[str]()
_COUNTS_KEY = pytest.StashKey[Counter[str]]()
_ITEM_MODES_KEY = pytest.StashKey[dict[str, str]]()

#: The configuration every test's shell starts with (no colours: plain text to compare).
TEST_CONFIG: dict[str, Any] = {"shell.colors": "NoColor"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("legacy-shell", "shell modes (adapters)")
    group.addoption(
        "--shell-mode",
        action="store",
        default=None,
        choices=(*MODES, _BOTH),
        help=(
            "run tests that use the `shell` fixture against the shell in this process, "
            "in a kernel (two-process), or both (default: $LEGACY_SHELL_MODE, else inprocess)"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(reason): the test cannot run against a shell in another process yet; "
        "it runs in-process only (the reason says what is missing)",
    )
    config.addinivalue_line(
        "markers",
        f"{_FRESH}: in two-process mode, the test gets a kernel of its own (for tests that change "
        "what a new shell does not reset: imported modules' state, threads, signal handlers)",
    )
    mode = config.getoption("--shell-mode") or os.environ.get(MODE_VARIABLE) or "inprocess"
    if mode not in (*MODES, _BOTH):
        raise pytest.UsageError(
            f"{MODE_VARIABLE}={mode!r}: the shell mode is one of inprocess, two-process, both"
        )
    config.stash[_MODE_KEY] = mode
    config.stash[_COUNTS_KEY] = Counter()
    config.stash[_ITEM_MODES_KEY] = {}
    config.pluginmanager.register(_ModeCounter(config), "legacy-shell-mode-counter")


def _modes(config: pytest.Config) -> list[str]:
    mode = config.stash[_MODE_KEY]
    return list(MODES) if mode == _BOTH else [mode]


def _inprocess_reason(node: Any) -> str | None:
    marker = node.get_closest_marker(_MARKER)
    if marker is None:
        return None
    reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
    if not reason:
        # reported as this test's collection error, in one sentence
        raise pytest.Collector.CollectError(
            f"@pytest.mark.{_MARKER} needs a reason (what is missing for two-process mode): "
            f'@pytest.mark.{_MARKER}(reason="...")'
        )
    return str(reason)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "shell" not in metafunc.fixturenames:
        return
    modes = _modes(metafunc.config)
    if _inprocess_reason(metafunc.definition) is not None and "inprocess" in modes:
        modes = ["inprocess"]
    if metafunc.config.stash[_MODE_KEY] == _BOTH:
        metafunc.parametrize("shell_mode", modes, ids=modes)


@pytest.fixture
def shell_mode(request: pytest.FixtureRequest) -> str:
    """The mode of this test's shell: ``inprocess`` or ``two-process``."""
    return _modes(request.config)[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    item_modes = config.stash[_ITEM_MODES_KEY]
    for item in items:
        if "shell" not in getattr(item, "fixturenames", ()):
            continue
        callspec = getattr(item, "callspec", None)
        mode = callspec.params.get("shell_mode") if callspec is not None else None
        item_modes[item.nodeid] = mode or _modes(config)[0]
        if _inprocess_reason(item) is not None:
            config.stash[_COUNTS_KEY]["inprocess-only"] += 1


class _ModeCounter:
    """Counts the tests that ran in each mode; prints the summary line."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        mode = self.config.stash[_ITEM_MODES_KEY].get(report.nodeid)
        if mode is not None:
            self.config.stash[_COUNTS_KEY][mode] += 1

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.config.stash[_ITEM_MODES_KEY]:
            return
        counts = self.config.stash[_COUNTS_KEY]
        terminalreporter.write_line(
            f"shell modes: {counts['inprocess']} tests ran in-process, "
            f"{counts['two-process']} in two-process mode; "
            f"{counts['inprocess-only']} are in-process only"
        )


# -- the shell fixture -----------------------------------------------------------------


@pytest.fixture
def shell(request: pytest.FixtureRequest, shell_mode: str) -> Iterator[Any]:
    """A shell in the state of a fresh one: real in-process, a proxy in two-process mode."""
    if shell_mode == "inprocess":
        with inprocess_shell() as sh:
            yield sh
        return
    reason = _inprocess_reason(request.node)
    if reason is not None:
        pytest.skip(f"in-process only: {reason}")
    kernel: KernelSession = request.getfixturevalue("_legacy_shell_kernel")
    fresh = request.node.get_closest_marker(_FRESH) is not None
    yield kernel.fresh_shell(new_kernel=fresh)
    if fresh:
        kernel.close()  # what the test changed goes with its kernel


@contextlib.contextmanager
def inprocess_shell() -> Iterator[Any]:
    """A new ``InteractiveShell`` in this process, current while in use; then the process is
    put back as it was (builtins, display and except hooks, signal handlers, environment, cwd,
    argv, path: ``split.kernel.testing.ProcessState``, what a kernel's new shell gets too).

    Tests that need the shell *object* (a kernel's interpreter over it, say) rather than
    the shell API use it directly: ``with inprocess_shell() as shell: ...``.
    """
    from legacy_shell._current import use_shell
    from legacy_shell.config import ShellConfig
    from legacy_shell.factory import build_shell
    from split.kernel.testing import ProcessState

    state = ProcessState(signals=True)
    sh = build_shell(ShellConfig(TEST_CONFIG), current=False)
    try:
        with use_shell(sh):
            yield sh
    finally:
        try:
            sh.atexit_operations()
            sh.history_manager.close()
        finally:
            state.restore()


class KernelSession:
    """One kernel for the test session; a fresh shell in it for each test."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.proxy: Any = None
        self.kernels_started = 0
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def _start(self) -> Any:
        from .connect import start_kernel_proxy

        self.close()
        # the kernel's connection file and log stay out of the user's Jupyter runtime dir
        self._dir = tempfile.TemporaryDirectory(prefix="legacy-shell-test-kernel-")
        self.kernels_started += 1
        path = Path(self._dir.name) / f"kernel-{self.kernels_started}.json"
        self.proxy = start_kernel_proxy(
            timeout=self.timeout,
            connection_file=path,
            env={"LEGACY_SHELL_RPC_NEW_SHELL": "1"},  # this kernel may replace its shell
        )
        return self.proxy

    def fresh_shell(self, new_kernel: bool = False) -> Any:
        """The proxy, its kernel's shell replaced by a fresh one (a new kernel if need be)."""
        proxy = self.proxy
        if proxy is None or new_kernel or proxy.client.died.is_set():
            proxy = self._start()
        try:
            proxy.client.new_shell(dict(TEST_CONFIG), dict(os.environ), os.getcwd())
        except Exception:
            proxy = self._start()  # a kernel that cannot reset is replaced
            proxy.client.new_shell(dict(TEST_CONFIG), dict(os.environ), os.getcwd())
        return proxy

    def close(self) -> None:
        if self.proxy is not None:
            proxy, self.proxy = self.proxy, None
            proxy.close()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


@pytest.fixture(scope="session")
def _legacy_shell_kernel() -> Iterator[KernelSession]:
    session = KernelSession()
    try:
        yield session
    finally:
        session.close()
