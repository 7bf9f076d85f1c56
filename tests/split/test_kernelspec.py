"""``ipython kernelspec install``: a kernel.json Jupyter can use, where Jupyter looks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from split.kernelspec import KernelspecError, install_kernelspec, kernel_json, kernelspec_dir

IPYTHON = str(Path(sys.executable).with_name("ipython"))


def test_kernel_json_names_this_interpreter_and_the_kernel_module() -> None:
    spec = kernel_json()
    assert spec["argv"] == [os.path.abspath(sys.executable), "-m", "split.kernel", "-f",
                            "{connection_file}"]  # fmt: skip
    assert os.path.isabs(spec["argv"][0])
    assert spec["display_name"] == "Python 3 (legacy-shell)"
    assert spec["language"] == "python"
    assert spec["interrupt_mode"] == "signal"
    assert isinstance(spec["metadata"], dict)


def test_install_into_a_prefix_via_the_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [IPYTHON, "kernelspec", "install", "--prefix", str(tmp_path)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    target = tmp_path / "share" / "jupyter" / "kernels" / "legacy-shell"
    assert str(target) in done.stdout
    spec = json.loads((target / "kernel.json").read_text())
    assert spec["argv"][1:] == ["-m", "split.kernel", "-f", "{connection_file}"]
    # the interpreter that ran the installer (the script's, maybe spelt python3)
    assert os.path.isabs(spec["argv"][0])
    assert os.path.realpath(spec["argv"][0]) == os.path.realpath(sys.executable)
    assert {k: v for k, v in spec.items() if k != "argv"} == {
        k: v for k, v in kernel_json().items() if k != "argv"
    }


def test_user_install_honours_jupyter_data_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    path = install_kernelspec(user=True, name="mine")
    assert path == tmp_path / "kernels" / "mine"
    assert (path / "kernel.json").exists()


def test_sys_prefix_install_goes_under_sys_prefix() -> None:
    assert kernelspec_dir(sys_prefix=True) == (
        Path(sys.prefix) / "share" / "jupyter" / "kernels" / "legacy-shell"
    )


def test_a_bad_name_or_two_places_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KernelspecError):
        install_kernelspec(name="../evil", prefix=tmp_path)
    with pytest.raises(KernelspecError):
        kernelspec_dir(user=True, prefix=tmp_path)


def test_jupyter_client_finds_and_reads_the_installed_spec(tmp_path: Path, monkeypatch) -> None:
    kernelspec = pytest.importorskip("jupyter_client.kernelspec")
    install_kernelspec(prefix=tmp_path)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    spec = kernelspec.KernelSpecManager().get_kernel_spec("legacy-shell")
    assert spec.argv[1:3] == ["-m", "split.kernel"]
    assert spec.interrupt_mode == "signal"
