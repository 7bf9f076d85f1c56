"""The Jupyter wire format: pure functions from messages to frames and back.

A message on the wire is ``[identities..., b"<IDS|MSG>", signature, header,
parent_header, metadata, content, buffers...]``. The signature is the hex
HMAC-SHA256 of the four JSON frames; binary buffers follow unsigned. The
signature is checked with ``hmac.compare_digest`` *before* any JSON is parsed,
and a signature seen before is refused (a replayed message). Nothing here
knows about sockets or threads, and nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import SplitError

__all__ = [
    "DELIMITER",
    "PROTOCOL_VERSION",
    "BadSignature",
    "MalformedMessage",
    "Message",
    "ProtocolError",
    "ReplayGuard",
    "ReplayedMessage",
    "deserialize",
    "new_header",
    "serialize",
    "sign",
]

DELIMITER = b"<IDS|MSG>"
PROTOCOL_VERSION = "5.3"


class ProtocolError(SplitError):
    """A message that cannot be accepted; never executed."""


class MalformedMessage(ProtocolError):
    """Frames that are not a Jupyter message (missing delimiter, bad JSON, wrong types)."""


class BadSignature(ProtocolError):
    """The HMAC signature is missing or wrong: the sender does not hold the key."""


class ReplayedMessage(ProtocolError):
    """A signature seen before: a captured message sent again."""


@dataclass
class Message:
    """One decoded message. ``identities`` are the ROUTER routing frames."""

    header: dict[str, Any]
    parent_header: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    content: dict[str, Any] = field(default_factory=dict)
    buffers: list[bytes] = field(default_factory=list)
    identities: list[bytes] = field(default_factory=list)

    @property
    def msg_type(self) -> str:
        return str(self.header.get("msg_type", ""))

    @property
    def msg_id(self) -> str:
        return str(self.header.get("msg_id", ""))

    @property
    def parent_id(self) -> str:
        return str(self.parent_header.get("msg_id", ""))


def _now() -> str:
    return datetime.now(UTC).isoformat()


def new_header(msg_type: str, session: str, username: str = "legacy-shell") -> dict[str, Any]:
    """A fresh header: unique ``msg_id``, ISO 8601 date with timezone, version 5.3."""
    return {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": username,
        "session": session,
        "date": _now(),
        "version": PROTOCOL_VERSION,
    }


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, bytes):
        return obj.decode("utf-8", errors="replace")
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


# one encoder for every message: json.dumps with options builds a new one per call
_ENCODE = json.JSONEncoder(default=_default, ensure_ascii=False, separators=(",", ":")).encode


def _dumps(obj: Any) -> bytes:
    return _ENCODE(obj).encode("utf-8", errors="surrogatepass")


def sign(key: bytes, parts: Sequence[bytes]) -> bytes:
    """Hex HMAC-SHA256 of ``parts``; empty when ``key`` is empty (signing disabled)."""
    if not key:
        return b""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac.hexdigest().encode("ascii")


def serialize(msg: Message, key: bytes) -> list[bytes]:
    """The frames of ``msg``, signed with ``key``."""
    parts = [
        _dumps(msg.header),
        _dumps(msg.parent_header),
        _dumps(msg.metadata),
        _dumps(msg.content),
    ]
    return [*msg.identities, DELIMITER, sign(key, parts), *parts, *msg.buffers]


class ReplayGuard:
    """Remembers the last ``size`` signatures; a repeat is a replay."""

    def __init__(self, size: int = 65536) -> None:
        self.size = size
        self._seen: OrderedDict[bytes, None] = OrderedDict()

    def check(self, signature: bytes) -> None:
        if not signature:
            return
        if signature in self._seen:
            raise ReplayedMessage("duplicate signature: message replayed")
        self._seen[signature] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)


def _json_dict(frame: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(frame.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise MalformedMessage(f"{what} is not valid JSON: {e}") from None
    if not isinstance(value, dict):
        raise MalformedMessage(f"{what} is not a JSON object")
    return value


def deserialize(frames: Sequence[bytes], key: bytes, replay: ReplayGuard | None = None) -> Message:
    """Check the signature, then decode. Raises a ``ProtocolError`` subclass on bad input."""
    frames = [bytes(f) for f in frames]
    try:
        idx = frames.index(DELIMITER)
    except ValueError:
        raise MalformedMessage("no <IDS|MSG> delimiter") from None
    identities, rest = frames[:idx], frames[idx + 1 :]
    if len(rest) < 5:
        raise MalformedMessage(f"expected a signature and 4 JSON frames, got {len(rest)} frames")
    signature, parts, buffers = rest[0], rest[1:5], rest[5:]
    if key:
        expected = sign(key, parts)
        if not signature or not hmac.compare_digest(signature, expected):
            raise BadSignature("invalid or missing HMAC signature")
        if replay is not None:
            replay.check(signature)
    header = _json_dict(parts[0], "header")
    if not isinstance(header.get("msg_type"), str) or not isinstance(header.get("msg_id"), str):
        raise MalformedMessage("header needs string msg_id and msg_type")
    return Message(
        header=header,
        parent_header=_json_dict(parts[1], "parent_header"),
        metadata=_json_dict(parts[2], "metadata"),
        content=_json_dict(parts[3], "content"),
        buffers=buffers,
        identities=identities,
    )
