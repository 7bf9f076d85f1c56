"""Events: IPython's names and signatures; a failing callback never stops the shell."""

from __future__ import annotations

import pytest

from legacy_shell.api import ExecutionInfo, ExecutionResult


def test_callbacks_get_ipythons_arguments_in_order(shell) -> None:
    calls = []
    shell.events.register("pre_execute", lambda: calls.append("pre_execute"))
    shell.events.register("pre_run_cell", lambda info: calls.append(("pre_run_cell", info)))
    shell.events.register("post_execute", lambda: calls.append("post_execute"))
    shell.events.register("post_run_cell", lambda result: calls.append(("post_run_cell", result)))
    shell.run_cell("1", store_history=True)
    assert calls[0] == "pre_execute"
    assert calls[1][0] == "pre_run_cell"
    info = calls[1][1]
    assert isinstance(info, ExecutionInfo) and info.raw_cell == "1" and info.store_history
    assert calls[2] == "post_execute"
    result = calls[3][1]
    assert isinstance(result, ExecutionResult) and result.result == 1 and result.success


def test_unregister_stops_calls(shell) -> None:
    calls = []

    def cb(result):
        calls.append(result)

    shell.events.register("post_run_cell", cb)
    shell.run_cell("1")
    shell.events.unregister("post_run_cell", cb)
    shell.run_cell("2")
    assert len(calls) == 1
    with pytest.raises(ValueError):
        shell.events.unregister("post_run_cell", cb)


def test_unknown_event_names_the_known_ones(shell) -> None:
    with pytest.raises(KeyError, match="post_run_cell"):
        shell.events.register("no_such_event", lambda: None)


def test_failing_callback_is_reported_and_the_others_run(shell, capsys) -> None:
    calls = []

    def broken(result):
        raise RuntimeError("callback broke")

    shell.events.register("post_run_cell", broken)
    shell.events.register("post_run_cell", calls.append)
    res = shell.run_cell("3")
    assert res.success
    assert len(calls) == 1
    err = capsys.readouterr().err
    assert "Error in callback" in err and "callback broke" in err
