"""A minimal stand-in kernel for the manager and client tests.

Speaks just enough of the protocol over real sockets (kernel_info, execute
with stream output, stdin input, interrupt and shutdown on control, heartbeat)
and watches ``--parent-fd`` like the real kernel, so the manager's process
handling can be tested on its own. Run: ``python fake_kernel.py -f FILE
--parent-fd N``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
import threading
import traceback

import zmq

from split.session import Session
from split.wire import Message, ReplayGuard, deserialize, serialize


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-f", dest="file", required=True)
    parser.add_argument("--parent-fd", type=int, default=None)
    args = parser.parse_args()
    if args.parent_fd is not None:

        def watch(fd: int) -> None:
            while os.read(fd, 1024):
                pass
            os._exit(0)

        threading.Thread(target=watch, args=(args.parent_fd,), daemon=True).start()

    with open(args.file) as f:
        cfg = json.load(f)
    key = cfg["key"].encode()
    url = f"tcp://{cfg['ip']}:%d"
    ctx: zmq.Context = zmq.Context.instance()
    session = Session()
    replay = ReplayGuard()

    def bind(kind: int, port_name: str) -> zmq.Socket:
        s = ctx.socket(kind)
        s.linger = 0
        s.bind(url % cfg[port_name])
        return s

    shell, stdin = bind(zmq.ROUTER, "shell_port"), bind(zmq.ROUTER, "stdin_port")
    iopub = bind(zmq.PUB, "iopub_port")
    control, hb = bind(zmq.ROUTER, "control_port"), bind(zmq.REP, "hb_port")

    def heartbeat() -> None:
        while True:
            hb.send(hb.recv())

    threading.Thread(target=heartbeat, daemon=True).start()
    stopping = threading.Event()

    def serve_control() -> None:
        guard = ReplayGuard()
        while True:
            msg = deserialize(control.recv_multipart(), key, guard)
            rtype = msg.msg_type.replace("_request", "_reply")
            control.send_multipart(serialize(session.msg(rtype, {"status": "ok"}, msg), key))
            if msg.msg_type == "shutdown_request":
                stopping.set()
                os.kill(os.getpid(), signal.SIGTERM)
            elif msg.msg_type == "interrupt_request":
                os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=serve_control, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def publish(msg_type: str, content: dict, parent: Message) -> None:
        msg = session.msg(msg_type, content, parent)
        msg.identities = []
        iopub.send_multipart(serialize(msg, key))

    def reply(parent: Message, msg_type: str, content: dict) -> None:
        shell.send_multipart(serialize(session.msg(msg_type, content, parent), key))

    namespace: dict = {"__name__": "__main__"}
    count = 0
    while True:
        try:
            msg = deserialize(shell.recv_multipart(), key, replay)
        except KeyboardInterrupt:
            continue
        publish("status", {"execution_state": "busy"}, msg)
        if msg.msg_type == "kernel_info_request":
            reply(msg, "kernel_info_reply", {"status": "ok", "protocol_version": "5.3"})
        elif msg.msg_type == "execute_request":
            count += 1
            publish("execute_input", {"code": msg.content["code"], "execution_count": count}, msg)
            out = io.StringIO()

            def ask(prompt: str = "", parent: Message = msg) -> str:
                req = session.msg("input_request", {"prompt": prompt, "password": False}, parent)
                stdin.send_multipart(serialize(req, key))
                return str(deserialize(stdin.recv_multipart(), key, replay).content["value"])

            namespace["input"] = ask
            try:
                with contextlib.redirect_stdout(out):
                    exec(msg.content["code"], namespace)
                content = {"status": "ok", "execution_count": count}
            except BaseException as e:
                content = {
                    "status": "error",
                    "execution_count": count,
                    "ename": type(e).__name__,
                    "evalue": str(e),
                    "traceback": traceback.format_exception(e),
                }
            if out.getvalue():
                publish("stream", {"name": "stdout", "text": out.getvalue()}, msg)
            reply(msg, "execute_reply", content)
        else:
            reply(msg, msg.msg_type.replace("_request", "_reply"), {"status": "ok"})
        publish("status", {"execution_state": "idle"}, msg)


if __name__ == "__main__":
    main()
