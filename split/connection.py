"""Connection files: where a kernel listens and the key that signs its messages.

A connection file is the JSON document Jupyter tools exchange to find a
kernel (``ip``, ``transport``, five ports, ``key``, ``signature_scheme``).
It holds a secret, so it is created atomically with mode 0600 in a private
(0700) runtime directory, and a file that others can read is refused when it
is loaded. Names resolve as Jupyter's do: a bare file name lives in the
runtime directory, a path with a directory part is taken as it is.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import stat
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SplitError

__all__ = [
    "CHANNELS",
    "ConnectionFileError",
    "ConnectionInfo",
    "newest_connection_file",
    "read_connection_file",
    "resolve_connection_file",
    "runtime_dir",
    "write_connection_file",
]

#: The five channels, in the order ports are allocated.
CHANNELS = ("shell", "iopub", "stdin", "control", "hb")

_PORT_FIELDS = tuple(f"{name}_port" for name in CHANNELS)


class ConnectionFileError(SplitError):
    """A connection file that cannot be used; the message names the file."""


@dataclass
class ConnectionInfo:
    """The decoded connection file; ``key`` is the text form of the HMAC key."""

    transport: str = "tcp"
    ip: str = "127.0.0.1"
    shell_port: int = 0
    iopub_port: int = 0
    stdin_port: int = 0
    control_port: int = 0
    hb_port: int = 0
    key: str = ""
    signature_scheme: str = "hmac-sha256"
    kernel_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key_bytes(self) -> bytes:
        return self.key.encode("utf-8")

    def port(self, channel: str) -> int:
        return int(getattr(self, f"{channel}_port"))

    def url(self, channel: str) -> str:
        """``tcp://127.0.0.1:5555``, or ``ipc://<ip>-<n>`` (Jupyter's ipc naming)."""
        if self.transport == "ipc":
            return f"ipc://{self.ip}-{self.port(channel)}"
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"{self.transport}://{host}:{self.port(channel)}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(
            transport=self.transport,
            ip=self.ip,
            key=self.key,
            signature_scheme=self.signature_scheme,
            kernel_name=self.kernel_name,
        )
        for name in _PORT_FIELDS:
            data[name] = getattr(self, name)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConnectionInfo:
        """Build from a decoded file; raises ``KeyError``/``ValueError`` on bad fields."""
        known = {"transport", "ip", "key", "signature_scheme", "kernel_name", *_PORT_FIELDS}
        ports = {name: int(data[name]) for name in _PORT_FIELDS}
        scheme = str(data.get("signature_scheme", "hmac-sha256"))
        if scheme != "hmac-sha256":
            raise ValueError(f"unsupported signature_scheme {scheme!r}")
        return cls(
            transport=str(data.get("transport", "tcp")),
            ip=str(data["ip"]),
            key=str(data["key"]),
            signature_scheme=scheme,
            kernel_name=str(data.get("kernel_name", "")),
            extra={k: v for k, v in data.items() if k not in known},
            **ports,
        )


def _jupyter_data_dir() -> Path:
    env = os.environ.get("JUPYTER_DATA_DIR")
    if env:
        return Path(env)
    home = Path.home()
    if sys.platform == "darwin":
        platform_dirs = os.environ.get("JUPYTER_PLATFORM_DIRS", "").lower()
        if platform_dirs and platform_dirs not in ("no", "n", "false", "off", "0", "0.0"):
            return home / "Library" / "Application Support" / "jupyter"
        return home / "Library" / "Jupyter"
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        return Path(appdata, "jupyter") if appdata else home / ".jupyter" / "data"
    xdg = os.environ.get("XDG_DATA_HOME")
    return Path(xdg or home / ".local" / "share") / "jupyter"


def runtime_dir() -> Path:
    """Jupyter's runtime directory: ``$JUPYTER_RUNTIME_DIR``, else ``<data dir>/runtime``."""
    env = os.environ.get("JUPYTER_RUNTIME_DIR")
    return Path(env) if env else _jupyter_data_dir() / "runtime"


def resolve_connection_file(name: str | os.PathLike[str]) -> Path:
    """A bare name lives in the runtime directory; a path with a directory part is kept."""
    path = Path(name).expanduser()
    if path.parent == Path(".") and not str(name).startswith("."):
        return runtime_dir() / path.name
    # absolute, so that resolving again (callers pass it on) keeps it where it is
    return path.absolute()


def newest_connection_file() -> Path:
    """The most recently modified ``kernel-*.json`` in the runtime directory."""
    directory = runtime_dir()
    candidates = []
    for p in directory.glob("kernel-*.json"):
        try:
            candidates.append((p.stat().st_mtime, p))
        except OSError:
            continue
    if not candidates:
        raise ConnectionFileError(f"no kernel connection file (kernel-*.json) in {directory}")
    return max(candidates)[1]


def _free_ports(ip: str, count: int) -> list[int]:
    """``count`` distinct ports that are free now (all bound at once, then released)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(family, socket.SOCK_STREAM)
            s.bind((ip, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _ipc_ports(ip: str, count: int) -> list[int]:
    ports: list[int] = []
    n = 1
    while len(ports) < count:
        if not os.path.exists(f"{ip}-{n}"):
            ports.append(n)
        n += 1
    return ports


def write_connection_file(
    path: str | os.PathLike[str] | None = None,
    *,
    ip: str = "127.0.0.1",
    transport: str = "tcp",
    ports: dict[str, int] | None = None,
    key: str | None = None,
    kernel_name: str = "",
) -> tuple[Path, ConnectionInfo]:
    """Create a new connection file (mode 0600, written atomically) and return it.

    Ports not given are picked free at random; the key is 256 random bits.
    """
    if path is None:
        directory = runtime_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(directory, 0o700)
        target = directory / f"kernel-{uuid.uuid4()}.json"
    else:
        target = resolve_connection_file(path)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    given = dict(ports or {})
    missing = [name for name in _PORT_FIELDS if not given.get(name)]
    if transport == "ipc":
        if ip in ("127.0.0.1", "localhost", ""):
            ip = str(target.with_suffix("")) + "-ipc"
        fresh = _ipc_ports(ip, len(missing))
    else:
        fresh = _free_ports(ip, len(missing))
    given.update(zip(missing, fresh))
    info = ConnectionInfo(
        transport=transport,
        ip=ip,
        key=secrets.token_hex(32) if key is None else key,
        kernel_name=kernel_name,
    )
    for name in _PORT_FIELDS:
        setattr(info, name, int(given[name]))
    data = json.dumps(info.to_dict(), indent=2).encode("utf-8")
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target, info


def read_connection_file(path: str | os.PathLike[str]) -> ConnectionInfo:
    """Load and check a connection file; ``ConnectionFileError`` names the file."""
    target = resolve_connection_file(path)
    try:
        st = target.stat()
        raw = target.read_bytes()
    except FileNotFoundError:
        raise ConnectionFileError(f"connection file {target} does not exist") from None
    except OSError as e:
        raise ConnectionFileError(
            f"connection file {target} cannot be read: {e.strerror}"
        ) from None
    if os.name == "posix" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConnectionFileError(
            f"connection file {target} is readable by other users (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); it holds a secret key: chmod 600 it"
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ConnectionFileError(f"connection file {target} is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise ConnectionFileError(f"connection file {target} is not a JSON object")
    try:
        info = ConnectionInfo.from_dict(data)
    except KeyError as e:
        raise ConnectionFileError(f"connection file {target} has no {e.args[0]!r} field") from None
    except (TypeError, ValueError) as e:
        raise ConnectionFileError(f"connection file {target} has a bad field: {e}") from None
    if not info.key:
        logging.getLogger("split.connection").warning(
            "connection file %s has an empty key: messages are neither signed nor checked", target
        )
    return info
