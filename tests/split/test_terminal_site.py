"""The user's editor and clipboard lent by the terminal to the kernel (``%edit``, ``%paste``).

Unit level: the kernel's ``TerminalSite`` over a fake terminal, and the
terminal's answers (``split.frontend.terminal_requests``) with a scripted
editor. The pty tests (``test_two_process_editing.py``) run the real thing.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from legacy_shell.usersite import NoSite, SiteUnavailable
from split.frontend.terminal_requests import ANNOUNCEMENT, answer
from split.kernel.terminal_site import TerminalSite, site_for


def executable(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_a_cell_from_our_terminal_gets_its_editor_and_clipboard() -> None:
    site = site_for(ANNOUNCEMENT, True, lambda request: "")
    assert isinstance(site, TerminalSite)
    assert site.features == {"edit", "clipboard"}


def test_a_cell_from_any_other_client_gets_a_site_that_says_why_not() -> None:
    for metadata, stdin in ((None, True), ({}, True), (ANNOUNCEMENT, False)):
        site = site_for(metadata, stdin, lambda request: "")
        assert isinstance(site, NoSite)
        with pytest.raises(SiteUnavailable, match="cannot open an editor"):
            site.edit_file("/tmp/x.py")


def test_editing_sends_the_text_and_writes_the_answer_back(tmp_path: Path) -> None:
    target = tmp_path / "code.py"
    target.write_text("x = 1\n")
    asked: list[dict[str, Any]] = []

    def terminal(request: dict[str, Any]) -> str:
        asked.append(request)
        return json.dumps({"status": "ok", "text": request["text"] + "y = 2\n"})

    TerminalSite(terminal, frozenset({"edit"}), lambda: "nano").edit_file(str(target), 3)
    assert target.read_text() == "x = 1\ny = 2\n"
    assert asked == [
        {"op": "edit", "name": "code.py", "text": "x = 1\n", "line": 3, "editor": "nano"}
    ]


def test_a_failed_edit_is_a_site_error_with_the_terminals_reason(tmp_path: Path) -> None:
    site = TerminalSite(
        lambda request: json.dumps({"status": "error", "error": "vi exited with status 1"}),
        frozenset({"edit", "clipboard"}),
    )
    with pytest.raises(SiteUnavailable, match="vi exited with status 1"):
        site.edit_file(str(tmp_path / "new.py"))
    garbled = TerminalSite(lambda request: "not json", frozenset({"clipboard"}))
    with pytest.raises(SiteUnavailable, match="no answer"):
        garbled.read_clipboard()


def test_the_terminal_runs_the_editor_on_a_private_copy(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    editor = executable(
        tmp_path / "ed",
        f'for last; do :; done\necho "$@" > {seen}\necho "added = 1" >> "$last"\n',
    )
    reply = json.loads(
        answer(
            {"op": "edit", "name": "../../etc/passwd", "text": "a = 0\n", "line": 7}, str(editor)
        )
    )
    assert reply == {"status": "ok", "text": "a = 0\nadded = 1\n"}
    args = seen.read_text().split()
    assert args[0] == "+7"
    assert args[1].endswith("/passwd") and "/etc/" not in args[1]  # only the name is kept
    assert not Path(args[1]).exists()  # the copy is gone


def test_the_kernels_editor_setting_wins_and_failures_are_answers(tmp_path: Path) -> None:
    failing = executable(tmp_path / "fail", "exit 3\n")
    reply = json.loads(answer({"op": "edit", "name": "f.py", "text": "", "editor": str(failing)}))
    assert reply["status"] == "error" and "status 3" in reply["error"]
    assert json.loads(answer({"op": "fly"}))["status"] == "error"
    assert json.loads(answer("not a request"))["status"] == "error"


def test_the_terminal_reads_its_clipboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executable(tmp_path / "xclip", "printf 'from the clipboard'\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert json.loads(answer({"op": "clipboard"})) == {"status": "ok", "text": "from the clipboard"}
