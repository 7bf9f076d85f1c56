"""Connection files: private, complete, found where Jupyter tools look for them."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
from pathlib import Path

import pytest

from split.connection import (
    ConnectionFileError,
    ConnectionInfo,
    newest_connection_file,
    read_connection_file,
    resolve_connection_file,
    runtime_dir,
    write_connection_file,
)


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "runtime"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(target))
    return target


def test_runtime_dir_honours_jupyter_runtime_dir(runtime: Path) -> None:
    assert runtime_dir() == runtime


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux default")
def test_runtime_dir_follows_jupyter_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JUPYTER_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    assert runtime_dir() == tmp_path / "data" / "runtime"
    monkeypatch.delenv("JUPYTER_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert runtime_dir() == tmp_path / "xdg" / "jupyter" / "runtime"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert runtime_dir() == tmp_path / "home" / ".local" / "share" / "jupyter" / "runtime"


def test_runtime_dir_agrees_with_jupyter_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = pytest.importorskip("jupyter_core.paths")
    monkeypatch.delenv("JUPYTER_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("JUPYTER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert runtime_dir() == Path(paths.jupyter_runtime_dir())


def test_a_new_file_is_private_complete_and_in_the_runtime_dir(runtime: Path) -> None:
    path, info = write_connection_file()
    assert path.parent == runtime
    assert path.name.startswith("kernel-") and path.suffix == ".json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(runtime.stat().st_mode) == 0o700
    data = json.loads(path.read_text())
    for field in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"):
        assert isinstance(data[field], int) and data[field] > 0
    assert len({info.port(c) for c in ("shell", "iopub", "stdin", "control", "hb")}) == 5
    assert data["ip"] == "127.0.0.1" and data["transport"] == "tcp"
    assert data["signature_scheme"] == "hmac-sha256"
    assert len(bytes.fromhex(data["key"])) == 32  # 256 random bits
    assert read_connection_file(path) == info


def test_each_file_gets_its_own_key(runtime: Path) -> None:
    assert write_connection_file()[1].key != write_connection_file()[1].key


def test_given_ports_and_key_are_kept(tmp_path: Path) -> None:
    path, info = write_connection_file(
        tmp_path / "k.json", ports={"shell_port": 40001}, key="secret"
    )
    assert info.shell_port == 40001 and info.key == "secret"
    assert info.key_bytes == b"secret"
    assert read_connection_file(path).shell_port == 40001


def test_urls() -> None:
    info = ConnectionInfo(shell_port=5555, ip="127.0.0.1")
    assert info.url("shell") == "tcp://127.0.0.1:5555"
    assert (
        ConnectionInfo(transport="ipc", ip="/tmp/k", shell_port=1).url("shell") == "ipc:///tmp/k-1"
    )


def test_names_resolve_as_jupyter_does(runtime: Path, tmp_path: Path) -> None:
    assert resolve_connection_file("kernel-1.json") == runtime / "kernel-1.json"
    assert resolve_connection_file(tmp_path / "k.json") == tmp_path / "k.json"
    assert resolve_connection_file("sub/k.json") == Path("sub/k.json").absolute()


def test_the_newest_file_is_found(runtime: Path) -> None:
    older, _ = write_connection_file()
    newer, _ = write_connection_file()
    os.utime(older, (1, 1))
    assert newest_connection_file() == newer


def test_no_file_at_all_is_a_clear_error(runtime: Path) -> None:
    runtime.mkdir()
    with pytest.raises(ConnectionFileError, match=str(runtime)):
        newest_connection_file()


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConnectionFileError, match=r"nope\.json.*does not exist"):
        read_connection_file(tmp_path / "nope.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "k.json", "{}", 0o000)
    with pytest.raises(ConnectionFileError, match="cannot be read"):
        read_connection_file(path)


def test_a_directory_is_not_a_connection_file(tmp_path: Path) -> None:
    (tmp_path / "d.json").mkdir(mode=0o700)
    with pytest.raises(ConnectionFileError, match=r"d\.json"):
        read_connection_file(tmp_path / "d.json")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"ip": "127.0.0.1", "key": "k"}', "no 'shell_port' field"),
        ('{"ip": "127.0.0.1", "key": "k", "shell_port": "x", "iopub_port": 1, '
         '"stdin_port": 1, "control_port": 1, "hb_port": 1}', "bad field"),
    ],
)  # fmt: skip
def test_a_malformed_file_names_the_file_and_the_problem(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = _write(tmp_path / "bad.json", text)
    with pytest.raises(ConnectionFileError, match=rf"bad\.json.*{reason}"):
        read_connection_file(path)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    path, _ = write_connection_file(tmp_path / "k.json")
    path.chmod(mode)
    with pytest.raises(ConnectionFileError, match=r"k\.json.*readable by other users"):
        read_connection_file(path)


def test_fresh_ports_are_free(tmp_path: Path) -> None:
    _, info = write_connection_file(tmp_path / "k.json")
    with socket.socket() as s:
        s.bind(("127.0.0.1", info.shell_port))


def test_jupyter_client_reads_our_file(tmp_path: Path) -> None:
    connect = pytest.importorskip("jupyter_client.connect")
    path, info = write_connection_file(tmp_path / "k.json")
    data = connect.find_connection_file(str(path))
    loaded = json.loads(Path(data).read_text())
    assert loaded["key"] == info.key and loaded["shell_port"] == info.shell_port


def test_a_relative_path_with_a_directory_part_stays_put_when_resolved_twice(
    tmp_path, monkeypatch
) -> None:
    from split.connection import resolve_connection_file

    monkeypatch.chdir(tmp_path)
    once = resolve_connection_file("./k.json")
    assert once == tmp_path / "k.json"
    assert resolve_connection_file(once) == once
