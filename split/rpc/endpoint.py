"""The RPC channel's socket, bound when the kernel starts: cheap, so the first reply is not late.

Only ZeroMQ is needed to bind the socket and announce it in
``kernel_info_reply``; the server that answers on it (:mod:`.server`, with the
shell API behind it) is built when the first message arrives.
"""

from __future__ import annotations

from typing import Any

import zmq

from ..connection import ConnectionInfo

__all__ = ["PROTOCOL", "RpcEndpoint"]

#: Bumped when a message changes incompatibly; sent in ``hello`` and the announcement.
PROTOCOL = 1


class RpcEndpoint:
    """A ROUTER socket on its own port (``ipc://<ip>-rpc`` for ipc), and its disconnect monitor."""

    def __init__(self, context: zmq.Context[Any], info: ConnectionInfo) -> None:
        sock: zmq.Socket[Any] = context.socket(zmq.ROUTER)
        sock.setsockopt(zmq.LINGER, 1000)
        sock.setsockopt(zmq.SNDHWM, 0)  # output of a call is never dropped
        sock.setsockopt(zmq.ROUTER_MANDATORY, 1)  # a gone peer is an error, not a drop
        # a client host that vanishes without closing its connections is noticed in ~25 s
        sock.setsockopt(zmq.TCP_KEEPALIVE, 1)
        sock.setsockopt(zmq.TCP_KEEPALIVE_IDLE, 10)
        sock.setsockopt(zmq.TCP_KEEPALIVE_INTVL, 5)
        sock.setsockopt(zmq.TCP_KEEPALIVE_CNT, 3)
        try:
            if info.transport == "ipc":
                self.port = 0
                sock.bind(f"ipc://{info.ip}-rpc")
            else:
                host = f"[{info.ip}]" if ":" in info.ip else info.ip
                self.port = sock.bind_to_random_port(f"tcp://{host}")
        except zmq.ZMQError:
            sock.close(linger=0)
            raise
        self.socket = sock
        # a peer that disconnects shows up here; probing each client then tells which
        # (libzmq's ROUTER_NOTIFY would say it directly, but it is a draft API)
        self.monitor: zmq.Socket[Any] = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self.transport, self.ip = info.transport, info.ip

    def announce(self) -> dict[str, Any]:
        """What ``kernel_info_reply`` carries under ``legacy_shell.rpc``."""
        return {"transport": self.transport, "ip": self.ip, "port": self.port, "protocol": PROTOCOL}
