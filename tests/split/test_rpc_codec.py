"""The RPC channel's codec: plain data round-trips by value, frames are signed, nothing else crosses."""

from __future__ import annotations

import math

import pytest

from split.rpc.codec import (
    NotSerializable,
    decode_frames,
    decode_value,
    encode_frames,
    encode_value,
)
from split.wire import BadSignature, MalformedMessage, ReplayedMessage, ReplayGuard

KEY = b"secret"


@pytest.mark.parametrize(
    "value",
    [
        None, True, 3, 2.5, "text", b"\x00\xffbytes", [1, [2]], (1, (2, 3)), {1, 2},
        frozenset({"a"}), {"a": 1}, {1: "int key", (1, 2): "tuple key"}, {"$odd": "key"},
        [{"nested": (b"x", {frozenset({1})})}],
    ],
)  # fmt: skip
def test_plain_data_round_trips_with_its_type(value) -> None:
    back = decode_value(encode_value(value))
    assert back == value
    assert type(back) is type(value)


def test_non_finite_floats_travel() -> None:
    back = decode_value(encode_value([math.inf, -math.inf, math.nan]))
    assert back[0] == math.inf and back[1] == -math.inf and math.isnan(back[2])


def test_other_objects_are_refused_with_their_type_unless_a_fallback_tags_them() -> None:
    class Thing:
        pass

    with pytest.raises(NotSerializable, match="Thing cannot be sent by value") as info:
        encode_value({"x": Thing()})
    assert isinstance(info.value, TypeError)
    tagged = encode_value(Thing(), fallback=lambda obj: {"$ref": {"id": 1, "type": "Thing"}})
    assert decode_value(tagged, resolve=lambda tag, body: (tag, body["id"])) == ("$ref", 1)


def test_frames_are_signed_and_checked_before_parsing() -> None:
    frames = encode_frames({"op": "call", "id": "1"}, KEY)
    decoded = decode_frames(frames, KEY)
    assert decoded.pop("nonce") and decoded == {"op": "call", "id": "1"}
    with pytest.raises(BadSignature):
        decode_frames(frames, b"other key")
    with pytest.raises(BadSignature):
        decode_frames([b"", frames[1]], KEY)
    with pytest.raises(BadSignature):  # a tampered payload, even unparsable, fails on the signature
        decode_frames([frames[0], b"{not json"], KEY)
    with pytest.raises(BadSignature):  # no key: nothing is accepted on this channel
        decode_frames(frames, b"")


def test_replays_and_malformed_messages_are_refused() -> None:
    guard = ReplayGuard()
    frames = encode_frames({"op": "ping"}, KEY)
    decode_frames(frames, KEY, guard)
    with pytest.raises(ReplayedMessage):
        decode_frames(frames, KEY, guard)
    with pytest.raises(MalformedMessage):
        decode_frames([frames[0]], KEY)
    with pytest.raises(MalformedMessage):
        decode_frames(encode_frames({"no": "op"}, KEY), KEY)


def test_equal_messages_differ_on_the_wire_so_neither_is_taken_for_a_replay() -> None:
    guard = ReplayGuard()
    for _ in range(2):
        decode_frames(encode_frames({"op": "alive"}, KEY), KEY, guard)
