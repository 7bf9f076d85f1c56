"""Frames and values of the RPC channel: signed JSON, plain data by value, never pickle.

A frame is ``[signature, payload]`` (a ROUTER socket adds the peer's identity
in front): ``payload`` is one UTF-8 JSON object and ``signature`` the hex
HMAC-SHA256 of it with the connection key, checked with ``hmac.compare_digest``
before the JSON is parsed; a signature seen before is refused (replay).

Values travel by value. JSON's own types go as they are; the rest is tagged
with a one-key object whose key starts with ``$``:

==============  ===========================================
``$bytes``      base64 text
``$tuple``      list of items
``$set``        list of items (``$frozenset`` likewise)
``$dict``       list of ``[key, value]`` pairs (non-str keys, or keys
                starting with ``$``)
``$float``      ``"nan"``, ``"inf"`` or ``"-inf"``
``$callback``   id of a function that stays in the client process
``$ref``        ``{"id", "type", "repr"}``: a kernel object that cannot travel
``$exc``        an exception (see :mod:`.exceptions`)
==============  ===========================================

Anything else raises :class:`NotSerializable` (a ``TypeError``), which the
caller turns into a message naming the member and the type.
"""

from __future__ import annotations

import base64
import hmac
import itertools
import json
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import SplitError
from ..wire import BadSignature, MalformedMessage, ReplayGuard

__all__ = [
    "NotSerializable",
    "decode_frames",
    "decode_value",
    "encode_frames",
    "encode_value",
]

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
#: For text with lone surrogates (``os.fsdecode`` of a non-UTF-8 name): ``\\udcff`` escapes.
_ENCODE_ASCII = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode


class NotSerializable(SplitError, TypeError):
    """A value that cannot cross by value (``type_name`` says what it was)."""

    def __init__(self, type_name: str) -> None:
        super().__init__(f"a {type_name} cannot be sent by value")
        self.type_name = type_name


#: How the encoder turns special objects into tags (set per side): returns a
#: tagged dict, or ``None`` to fall through to :class:`NotSerializable`.
Fallback = Callable[[Any], "dict[str, Any] | None"]


def encode_value(value: Any, fallback: Fallback | None = None, _depth: int = 0) -> Any:
    """``value`` as JSON-ready data (see the table in the module docstring)."""
    if _depth > 200:
        raise NotSerializable("structure nested deeper than 200 levels")
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    d = _depth + 1
    if isinstance(value, list):
        return [encode_value(v, fallback, d) for v in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return {"$tuple": [encode_value(v, fallback, d) for v in value]}
    if isinstance(value, dict) and type(value) is dict:
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode_value(v, fallback, d) for k, v in value.items()}
        return {
            "$dict": [
                [encode_value(k, fallback, d), encode_value(v, fallback, d)]
                for k, v in value.items()
            ]
        }
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, frozenset):
        return {"$frozenset": [encode_value(v, fallback, d) for v in value]}
    if isinstance(value, set):
        return {"$set": [encode_value(v, fallback, d) for v in value]}
    if fallback is not None:
        tagged = fallback(value)
        if tagged is not None:
            return tagged
    raise NotSerializable(f"{type(value).__module__}.{type(value).__qualname__}")


#: How the decoder builds special objects from tags (set per side).
Resolver = Callable[[str, Any], Any]


def decode_value(data: Any, resolve: Resolver | None = None) -> Any:
    """The inverse of :func:`encode_value`; ``resolve(tag, body)`` builds ``$callback``,
    ``$ref`` and ``$exc`` values (without it they stay as plain dicts)."""
    if isinstance(data, list):
        return [decode_value(v, resolve) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((tag, body),) = data.items()
        if tag.startswith("$"):
            return _decode_tag(tag, body, resolve)
    return {k: decode_value(v, resolve) for k, v in data.items()}


def _decode_tag(tag: str, body: Any, resolve: Resolver | None) -> Any:
    if tag == "$bytes":
        return base64.b64decode(body)
    if tag == "$tuple":
        return tuple(decode_value(v, resolve) for v in body)
    if tag == "$set":
        return {decode_value(v, resolve) for v in body}
    if tag == "$frozenset":
        return frozenset(decode_value(v, resolve) for v in body)
    if tag == "$dict":
        return {decode_value(k, resolve): decode_value(v, resolve) for k, v in body}
    if tag == "$float":
        return float(body)
    if resolve is not None:
        return resolve(tag, body)
    return {tag: body}


def _sign(key: bytes, payload: bytes) -> bytes:
    return hmac.digest(key, payload, "sha256").hex().encode("ascii")


#: Unique per process (random) and per message (a counter): no system call per message.
_NONCE_PREFIX = os.urandom(8).hex() + "-"
_nonces = itertools.count()


def encode_frames(message: dict[str, Any], key: bytes) -> list[bytes]:
    """``[signature, payload]`` for one RPC message (already JSON-ready).

    A random ``nonce`` is added to ``message`` (in place): two messages with
    the same content (``alive``, ``probe``, the same text printed twice) must
    not look like a replay of each other to the receiver.
    """
    message["nonce"] = f"{_NONCE_PREFIX}{next(_nonces)}"
    try:
        payload = _ENCODE(message).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: valid JSON only as an escape
        payload = _ENCODE_ASCII(message).encode("ascii")
    return [_sign(key, payload), payload]


def decode_frames(
    frames: Sequence[bytes], key: bytes, replay: ReplayGuard | None = None
) -> dict[str, Any]:
    """Check the signature (before parsing), then decode; ``ProtocolError`` subclasses on bad input."""
    if len(frames) != 2:
        raise MalformedMessage(f"an RPC message has 2 frames, got {len(frames)}")
    signature, payload = bytes(frames[0]), bytes(frames[1])
    if not key or not hmac.compare_digest(signature, _sign(key, payload)):
        raise BadSignature("invalid or missing HMAC signature on the RPC channel")
    if replay is not None:
        replay.check(signature)
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise MalformedMessage(f"RPC payload is not valid JSON: {e}") from None
    if not isinstance(message, dict) or not isinstance(message.get("op"), str):
        raise MalformedMessage("an RPC message is a JSON object with a string 'op'")
    return message
