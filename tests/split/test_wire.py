"""The wire codec: frames in, messages out, and nothing unsigned or replayed gets through."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import datetime

import pytest

from split.session import Session
from split.wire import (
    DELIMITER,
    PROTOCOL_VERSION,
    BadSignature,
    MalformedMessage,
    Message,
    ProtocolError,
    ReplayedMessage,
    ReplayGuard,
    deserialize,
    new_header,
    serialize,
)

KEY = b"0123456789abcdef" * 4


def _message(**content: object) -> Message:
    msg = Session(session_id="s1").msg("execute_request", dict(content) or {"code": "1+1"})
    msg.identities = [b"client-a"]
    return msg


def _frames(msg: Message | None = None, key: bytes = KEY) -> list[bytes]:
    return serialize(msg or _message(), key)


def test_round_trip_keeps_every_part() -> None:
    msg = _message(code="print('é')")
    msg.metadata = {"m": 1}
    msg.parent_header = {"msg_id": "p1"}
    msg.buffers = [b"\x00\x01raw"]
    back = deserialize(_frames(msg), KEY)
    assert back == msg
    assert back.msg_type == "execute_request"
    assert back.parent_id == "p1"


def test_frames_are_identities_delimiter_signature_four_json_frames_then_buffers() -> None:
    msg = _message()
    msg.buffers = [b"buf"]
    frames = _frames(msg)
    assert frames[0] == b"client-a"
    assert frames[1] == DELIMITER
    assert json.loads(frames[3])["msg_type"] == "execute_request"
    assert frames[7] == b"buf"


def test_signature_is_hmac_sha256_of_the_four_json_frames_only() -> None:
    msg = _message()
    msg.buffers = [b"unsigned"]
    frames = _frames(msg)
    expected = hmac.new(KEY, b"".join(frames[3:7]), hashlib.sha256).hexdigest().encode()
    assert frames[2] == expected
    frames[7] = b"changed buffer"  # buffers are not signed
    assert deserialize(frames, KEY).buffers == [b"changed buffer"]


@pytest.mark.parametrize("index", [3, 4, 5, 6])
def test_a_tampered_json_frame_is_refused(index: int) -> None:
    frames = _frames()
    frames[index] = frames[index].replace(b"}", b' , "x": 1}', 1)
    with pytest.raises(BadSignature):
        deserialize(frames, KEY)


def test_a_missing_signature_is_refused() -> None:
    frames = _frames()
    frames[2] = b""
    with pytest.raises(BadSignature):
        deserialize(frames, KEY)


def test_a_message_signed_with_another_key_is_refused() -> None:
    with pytest.raises(BadSignature):
        deserialize(_frames(key=b"other key"), KEY)


def test_an_empty_key_means_no_signing() -> None:
    frames = _frames(key=b"")
    assert frames[2] == b""
    assert deserialize(frames, b"").msg_type == "execute_request"


def test_a_replayed_message_is_refused() -> None:
    guard = ReplayGuard()
    frames = _frames()
    deserialize(frames, KEY, guard)
    with pytest.raises(ReplayedMessage):
        deserialize(frames, KEY, guard)


def test_the_replay_guard_forgets_the_oldest_signatures() -> None:
    guard = ReplayGuard(size=2)
    first = _frames()
    deserialize(first, KEY, guard)
    deserialize(_frames(), KEY, guard)
    deserialize(_frames(), KEY, guard)
    deserialize(first, KEY, guard)  # forgotten: memory is bounded


def test_the_signature_is_checked_before_json_is_parsed() -> None:
    frames = _frames()
    frames[3] = b"not json at all"
    with pytest.raises(BadSignature):  # not MalformedMessage: never parsed
        deserialize(frames, KEY)


def _signed(parts: list[bytes]) -> list[bytes]:
    sig = hmac.new(KEY, b"".join(parts), hashlib.sha256).hexdigest().encode()
    return [DELIMITER, sig, *parts]


@pytest.mark.parametrize(
    "frames",
    [
        pytest.param([b"a", b"b", b"c", b"d", b"e", b"f"], id="no delimiter"),
        pytest.param([DELIMITER, b"sig", b"{}", b"{}"], id="too few frames"),
        pytest.param([], id="nothing"),
    ],
)
def test_frames_that_are_not_a_message_are_malformed(frames: list[bytes]) -> None:
    with pytest.raises(MalformedMessage):
        deserialize(frames, KEY)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(b"{not json", id="bad JSON"),
        pytest.param(b"[1, 2]", id="non-object JSON"),
        pytest.param(b'{"msg_type": "execute_request"}', id="header missing msg_id"),
        pytest.param(b"\xff\xfe", id="not UTF-8"),
    ],
)
def test_signed_but_malformed_json_is_malformed(header: bytes) -> None:
    frames = _signed([header, b"{}", b"{}", b"{}"])
    with pytest.raises(MalformedMessage):
        deserialize(frames, KEY)


def test_every_error_is_a_protocol_error() -> None:
    for cls in (MalformedMessage, BadSignature, ReplayedMessage):
        assert issubclass(cls, ProtocolError)


def test_header_dates_are_iso_8601_with_timezone_and_version_is_5_3() -> None:
    header = new_header("status", "s1")
    date = datetime.fromisoformat(header["date"])
    assert date.tzinfo is not None and date.utcoffset() is not None
    assert header["version"] == PROTOCOL_VERSION == "5.3"
    assert header["msg_id"] != new_header("status", "s1")["msg_id"]


def test_bad_messages_are_each_warned_about_until_a_flood_is_summed_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from split.transport import BadMessages

    bad = BadMessages(interval=3600.0, logger=logging.getLogger("test.bad"), burst=3)
    with caplog.at_level(logging.WARNING, logger="test.bad"):
        for n in range(6):
            bad.drop("rpc", MalformedMessage(f"bad {n}"))
    assert bad.count == 6
    assert [r.getMessage() for r in caplog.records] == [
        "dropped a bad message on rpc: bad 0",
        "dropped a bad message on rpc: bad 1",
        "dropped a bad message on rpc: bad 2",
    ]
    bad._window_end = 0.0  # the next interval: the held-back count is reported
    with caplog.at_level(logging.WARNING, logger="test.bad"):
        bad.drop("rpc", MalformedMessage("bad 6"))
    assert "bad 6 (and 3 more not shown" in caplog.records[-1].getMessage()
