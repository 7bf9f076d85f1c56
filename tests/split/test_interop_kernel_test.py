"""Our kernel passes jupyter_kernel_test, the Jupyter project's own kernel conformance suite.

``KernelTests`` starts the kernel named ``legacy-shell`` through jupyter_client's
KernelManager, from a kernelspec in a temporary JUPYTER_PATH, and validates
every message against the message-spec schemas. The samples below fill in
every test the suite has (output streams, completion, is_complete, pager,
errors, results, display data, history, inspection, clear_output); the suite
has no stdin test, so ours adds ``input()`` and ``getpass`` round trips, and
the iopub welcome message of protocol 5.4 XPUB sockets.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

import jupyter_kernel_test
from interop_helpers import KERNEL_NAME, jupyter_world
from jupyter_kernel_test.msgspec_v5 import msg_structure_validator, validate_message

TIMEOUT = 30


class _InJupyterWorld:
    """Mixin: the temporary Jupyter world is set up before, and removed after, the class's kernel."""

    _world: ClassVar[contextlib.ExitStack]

    @classmethod
    def setUpClass(cls) -> None:
        cls._world = contextlib.ExitStack()
        cls._world.enter_context(jupyter_world())
        try:
            super().setUpClass()  # type: ignore[misc]
        except BaseException:
            cls._world.close()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        try:
            super().tearDownClass()  # type: ignore[misc]
            assert not cls.km.is_alive(), "the kernel outlived its shutdown"  # type: ignore[attr-defined]
        finally:
            cls._world.close()


class LegacyShellKernelTests(_InJupyterWorld, jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "python"
    file_extension = ".py"

    code_hello_world = "print('hello, world')"
    code_stderr = "import sys; print('test', file=sys.stderr)"

    completion_samples: ClassVar[list[dict[str, Any]]] = [
        {"text": "zi", "matches": {"zip"}},
        {"text": "import sy"},
    ]

    complete_code_samples: ClassVar[list[str]] = [
        "1",
        "print('hello, world')",
        "def f(x):\n  return x*2\n\n\n",
    ]
    incomplete_code_samples: ClassVar[list[str]] = [
        "print('''hello",
        "def f(x):\n  x*2",
        "for i in range(3):",
    ]
    invalid_code_samples: ClassVar[list[str]] = ["import = 7q", "1 +* 2"]

    code_page_something = "len?"
    code_generate_error = "raise Exception('oops')"

    code_execute_result: ClassVar[list[dict[str, str]]] = [
        {"code": "1+2+3", "result": "6"},
        {"code": "[n*n for n in range(1, 4)]", "result": "[1, 4, 9]"},
        {"code": "'a' * 3", "result": "'aaa'"},
    ]
    code_display_data: ClassVar[list[dict[str, str]]] = [
        {
            "code": "from legacy_shell.display import HTML, display\ndisplay(HTML('<b>test</b>'))",
            "mime": "text/html",
        },
        {
            "code": "from legacy_shell.display import Math, display\ndisplay(Math(r'\\frac{1}{2}'))",
            "mime": "text/latex",
        },
    ]

    code_history_pattern = "1?2*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "zip"
    code_clear_output = "from legacy_shell.display import clear_output\nclear_output()"

    # ---- beyond the suite: the protocol version, and stdin (the suite has no stdin test)

    def test_protocol_version_is_at_least_5_3(self) -> None:
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.reply_to(msg_id)
        for version in (reply["content"]["protocol_version"], reply["header"]["version"]):
            assert tuple(int(p) for p in version.split(".")[:2]) >= (5, 3)

    def reply_to(self, msg_id: str) -> dict[str, Any]:
        while True:
            reply: dict[str, Any] = self.kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                validate_message(reply, reply["msg_type"], msg_id)
                return reply

    def _stdin_round_trip(self, code: str, answer: str) -> tuple[dict[str, Any], dict[str, Any]]:
        self.flush_channels()
        msg_id = self.kc.execute(code, allow_stdin=True, user_expressions={"got": "answer"})
        request: dict[str, Any] = self.kc.get_stdin_msg(timeout=TIMEOUT)
        # Structure only: the suite's input_request schema wrongly types `password` as a number.
        msg_structure_validator.validate(request)
        assert request["msg_type"] == "input_request"
        assert request["parent_header"]["msg_id"] == msg_id
        self.kc.input(answer)
        try:
            reply = self.reply_to(msg_id)
        except BaseException:
            self.km.interrupt_kernel()  # do not leave the kernel waiting for input
            raise
        finally:
            self.flush_channels()
        return request, reply

    def test_input_request_answered_on_stdin(self) -> None:
        request, reply = self._stdin_round_trip("answer = input('name? ')", "Ada")
        assert request["content"] == {"prompt": "name? ", "password": False}
        assert reply["content"]["status"] == "ok"
        got = reply["content"]["user_expressions"]["got"]
        assert got["status"] == "ok"
        assert got["data"]["text/plain"] == "'Ada'"

    def test_getpass_asks_for_a_password(self) -> None:
        request, reply = self._stdin_round_trip(
            "import getpass\nanswer = getpass.getpass('secret: ')", "s3cret"
        )
        assert request["content"]["password"] is True
        assert request["content"]["prompt"] == "secret: "
        assert reply["content"]["user_expressions"]["got"]["data"]["text/plain"] == "'s3cret'"

    def test_input_without_allow_stdin_is_an_error_not_a_hang(self) -> None:
        self.flush_channels()
        msg_id = self.kc.execute("input('x')", allow_stdin=False)
        reply = self.reply_to(msg_id)
        assert reply["content"]["status"] == "error"
        self.flush_channels()


class LegacyShellIopubWelcomeTests(_InJupyterWorld, jupyter_kernel_test.IopubWelcomeTests):
    """An XPUB iopub socket greets each subscriber with ``iopub_welcome`` (protocol 5.4)."""

    kernel_name = KERNEL_NAME
    support_iopub_welcome = True
