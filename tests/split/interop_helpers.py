"""Shared set-up of the interoperability tests: a private Jupyter world with both kernelspecs.

Jupyter tools find kernels through kernelspecs on JUPYTER_PATH and write
connection files in JUPYTER_RUNTIME_DIR; the interop tests point both (and
JUPYTER_DATA_DIR, JUPYTER_CONFIG_DIR, LEGACY_SHELL_DIR, IPYTHONDIR) at a
temporary directory so that they never read or write the user's own, and so
that ``legacy-shell`` and ``python3`` resolve to exactly the kernels under test,
both on this interpreter. These tests (not product code) may import jupyter_client.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "KERNEL_NAME",
    "JupyterWorld",
    "drain_until_idle",
    "install_our_kernelspec",
    "jupyter_world",
    "jupyter_world_fixture",
    "our_ipython_script",
    "shut_down",
    "wait_reply",
]

KERNEL_NAME = "legacy-shell"
BIN = Path(sys.executable).parent
TIMEOUT = 30.0


@dataclass
class JupyterWorld:
    """Where the temporary Jupyter world lives, and the environment that selects it."""

    root: Path

    @property
    def kernels(self) -> Path:
        return self.root / "prefix" / "share" / "jupyter" / "kernels"

    @property
    def runtime(self) -> Path:
        return self.root / "runtime"

    @property
    def env(self) -> dict[str, str]:
        return {
            "JUPYTER_PATH": str(self.kernels.parent),
            "JUPYTER_DATA_DIR": str(self.root / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.runtime),
            "JUPYTER_CONFIG_DIR": str(self.root / "config"),
            "LEGACY_SHELL_DIR": str(self.root / "shellhome"),
            "IPYTHONDIR": str(self.root / "ipythondir"),
        }


def install_our_kernelspec(world: JupyterWorld) -> Path:
    """Install ``legacy-shell`` into the world's JUPYTER_PATH with the real installer.

    ``install_kernelspec(prefix=P)`` writes ``P/share/jupyter/kernels/legacy-shell``,
    and the world's JUPYTER_PATH is ``P/share/jupyter``. Until split.kernelspec
    exists, the contract's spec is written by hand.
    """
    try:
        from split.kernelspec import install_kernelspec
    except ImportError:
        spec = {
            "argv": [sys.executable, "-m", "split.kernel", "-f", "{connection_file}"],
            "display_name": "Python 3 (legacy-shell)",
            "language": "python",
            "interrupt_mode": "signal",
        }
        _write_spec(world.kernels, KERNEL_NAME, spec)
        return world.kernels / KERNEL_NAME
    return install_kernelspec(KERNEL_NAME, prefix=world.root / "prefix")


def ipykernel_spec() -> dict[str, Any]:
    """ipykernel's ``python3`` spec, pinned to this interpreter (never a ``python`` on PATH)."""
    return {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "interrupt_mode": "signal",
    }


def _write_spec(kernels: Path, name: str, spec: dict[str, Any]) -> None:
    (kernels / name).mkdir(parents=True, exist_ok=True)
    (kernels / name / "kernel.json").write_text(json.dumps(spec, indent=1))


@contextlib.contextmanager
def jupyter_world() -> Iterator[JupyterWorld]:
    """Create the world and select it in ``os.environ`` (restored on exit).

    It must be in place before a kernel manager is created: jupyter_client reads
    JUPYTER_PATH and JUPYTER_RUNTIME_DIR when it builds its kernelspec manager
    and connection file, and the kernel inherits the environment.
    """
    saved = {key: os.environ.get(key) for key in JupyterWorld(Path()).env}
    with tempfile.TemporaryDirectory(prefix="interop-") as tmp:
        world = JupyterWorld(Path(tmp))
        for key in ("data", "runtime", "config", "shellhome", "ipythondir"):
            (world.root / key).mkdir(mode=0o700)
        os.environ.update(world.env)
        try:
            install_our_kernelspec(world)
            _write_spec(world.kernels, "python3", ipykernel_spec())
            yield world
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture(scope="module")
def jupyter_world_fixture() -> Iterator[JupyterWorld]:
    """The temporary Jupyter world, for one test module."""
    with jupyter_world() as world:
        yield world


def our_ipython_script() -> Path:
    """The venv's ``ipython``, after checking it is ours (ipykernel brings IPython's own)."""
    script = BIN / "ipython"
    text = script.read_text(errors="replace")
    assert "split.launcher" in text, f"{script} is not legacy-shell's script (IPython's shadows it)"
    return script


def wait_reply(kc: Any, msg_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """The shell reply to ``msg_id`` from a jupyter_client client (other replies skipped)."""
    while True:
        msg: dict[str, Any] = kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def drain_until_idle(kc: Any, msg_id: str, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
    """Every iopub message of ``msg_id`` up to and including its ``idle`` status."""
    got: list[dict[str, Any]] = []
    while True:
        msg: dict[str, Any] = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        got.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return got


def shut_down(km: Any, kc: Any | None = None) -> None:
    """Stop a jupyter_client-managed kernel and wait for its process; assert it is gone."""
    if kc is not None:
        kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert not km.is_alive(), "the kernel outlived its shutdown"
