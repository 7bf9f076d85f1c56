"""%%script, %%bash, %%sh, %%python3..., %%writefile: cells run by other programs, output as it comes."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from shellside import in_shell

from legacy_shell.errors import UsageError
from legacy_shell.magics.script import ProcessInterrupted, run_streaming

PY = sys.executable


def qualified_name(error: BaseException) -> str:
    """The class of ``error`` as ``module.Name``, also for one raised in a kernel.

    A kernel's exceptions of types that are neither builtin nor the shell's own
    come back as ``adapters.RemoteError``, which names the remote type.
    """
    remote = getattr(error, "remote_type", "")
    return remote or f"{type(error).__module__}.{type(error).__qualname__}"


# -- %%bash / %%sh / %%script ------------------------------------------------------------


def test_bash_cell_output_goes_to_stdout_and_stderr(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell_magic("bash", "", "for i in 1 2 3; do echo $i; done\necho oops >&2\n")
    out, err = capfd.readouterr()
    assert out == "1\n2\n3\n"
    assert err == "oops\n"


def test_bash_through_run_cell(shell: Any, capfd: pytest.CaptureFixture[str]) -> None:
    result = shell.run_cell("%%bash\necho from bash")
    assert result.success
    assert capfd.readouterr().out == "from bash\n"


def test_sh_cell(shell: Any, capfd: pytest.CaptureFixture[str]) -> None:
    shell.run_cell_magic("sh", "", "echo sh says hi")
    assert capfd.readouterr().out == "sh says hi\n"


def test_script_with_an_interpreter_and_its_arguments(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell_magic("script", f"{PY} -u -", "import sys\nprint(sys.version_info[0] * 14)")
    assert capfd.readouterr().out == "42\n"


@pytest.mark.skipif(shutil.which("python3") is None, reason="no python3 on PATH")
def test_script_python3_and_the_python3_shortcut(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell_magic("script", "python3", "print('via script')")
    shell.run_cell_magic("python3", "", "print('via shortcut')")
    assert capfd.readouterr().out == "via script\nvia shortcut\n"


def test_non_zero_exit_raises_called_process_error(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(Exception, match="returned non-zero exit status 3") as info:
        shell.run_cell_magic("bash", "", "echo before\nexit 3\n")
    assert qualified_name(info.value) == "subprocess.CalledProcessError"
    assert capfd.readouterr().out == "before\n"


def test_non_zero_exit_in_run_cell_is_the_cells_error(shell: Any) -> None:
    result = shell.run_cell("%%bash\nexit 5")
    assert result.error_in_exec is not None
    assert qualified_name(result.error_in_exec) == "subprocess.CalledProcessError"


def test_no_raise_error_keeps_quiet_about_the_exit_status(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_cell_magic("bash", "--no-raise-error", "echo failing >&2\nexit 1") is None
    assert capfd.readouterr().err == "failing\n"


def test_out_and_err_store_the_output_in_variables(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell_magic("bash", "--out output --err errors", "echo to-out\necho to-err >&2")
    assert shell.user_ns["output"] == "to-out\n"
    assert shell.user_ns["errors"] == "to-err\n"
    assert capfd.readouterr() == ("", "")


def test_a_missing_program_says_so(shell: Any, capfd: pytest.CaptureFixture[str]) -> None:
    assert shell.run_cell_magic("script", "no-such-interpreter-xyz", "hello") is None
    assert capfd.readouterr().out == "Couldn't find program: 'no-such-interpreter-xyz'\n"


def test_script_needs_a_program(shell: Any) -> None:
    with pytest.raises(UsageError, match="which program"):
        shell.run_cell_magic("script", "--bg", "echo")


def test_interpreter_shortcuts_are_registered(shell: Any) -> None:
    for name in ("sh", "bash", "perl", "ruby", "python", "python2", "python3", "pypy"):
        assert in_shell(shell, f"get_ipython().find_cell_magic({name!r}) is not None"), name


def test_non_utf8_output_is_replaced_not_fatal(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell_magic("bash", "", "printf 'caf\\351\\n'")
    assert capfd.readouterr().out == "caf\ufffd\n"


def test_large_input_and_output_do_not_deadlock(shell: Any) -> None:
    # cat writes while we still write: both pipes fill up at once
    cell = "0123456789abcdef" * 250_000
    shell.run_cell_magic("script", "cat --out big", cell)
    assert shell.user_ns["big"] == cell + "\n"


def test_background_script_gives_pipe_and_process(shell: Any) -> None:
    shell.run_cell_magic("bash", "--bg --out out --proc proc", "echo in the background")
    # the process and the pipe are objects of the shell's process: asked there
    assert in_shell(shell, "proc.wait(timeout=30)") == 0
    assert in_shell(shell, "out.read()") == b"in the background\n"


def test_killbgscripts(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell_magic("script", f"{PY} --bg --proc proc", "import time\ntime.sleep(60)")
    shell.run_line_magic("killbgscripts", "")
    assert in_shell(shell, "proc.poll()") is not None
    assert capsys.readouterr().out == "All background processes were killed.\n"


# -- streaming and Ctrl-C -----------------------------------------------------------------

# The child prints "first", then blocks opening a FIFO for reading until someone
# opens it for writing. The callback does that on seeing "first": if output were
# only passed on at exit, this would never happen (the alarm ends it instead).
RENDEZVOUS = """
import signal, sys
signal.alarm(20)
print("first", flush=True)
open(sys.argv[1]).close()
print("second", flush=True)
"""


def test_output_reaches_the_shell_while_the_program_runs(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    seen: list[str] = []

    def on_stdout(text: str) -> None:
        seen.append(text)
        if "first" in text:
            open(fifo, "w").close()

    status = run_streaming([PY, "-c", RENDEZVOUS, str(fifo)], None, on_stdout, seen.append)
    assert status == 0
    assert "".join(seen) == "first\nsecond\n"


def interrupting_sink(text: str) -> None:
    """Stands for the user pressing Ctrl-C once the program has started."""
    if "started" in text:
        raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("ignored", "how"),
    [
        ("", "interrupted"),
        ("signal.signal(signal.SIGINT, signal.SIG_IGN)", "terminated"),
        (
            "signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
            "killed",
        ),
    ],
)
def test_ctrl_c_stops_the_child_gently_first(ignored: str, how: str) -> None:
    code = f"import signal, time\n{ignored}\nprint('started', flush=True)\ntime.sleep(60)\n"
    with pytest.raises(ProcessInterrupted) as info:
        run_streaming([PY, "-c", code], None, interrupting_sink, print)
    assert info.value.how == how
    assert isinstance(info.value, KeyboardInterrupt)


def test_ctrl_c_in_a_script_cell_stops_it_and_returns(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    # The child sends SIGINT to the shell's process, as Ctrl-C in the terminal does.
    cell = "import os, signal, time\nos.kill(os.getppid(), signal.SIGINT)\ntime.sleep(60)\n"
    assert shell.run_cell_magic("script", PY, cell) is None
    assert capfd.readouterr().out == "Process was interrupted.\n"


# -- %%writefile --------------------------------------------------------------------------


def test_writefile_writes_overwrites_and_appends(
    shell: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("cd", f"-q {tmp_path}")
    shell.run_cell_magic("writefile", "notes.txt", "one\n")
    assert capsys.readouterr().out == "Writing notes.txt\n"
    shell.run_cell_magic("writefile", "notes.txt", "two\n")
    assert capsys.readouterr().out == "Overwriting notes.txt\n"
    assert (tmp_path / "notes.txt").read_text() == "two\n"
    shell.run_cell_magic("writefile", "-a notes.txt", "three\n")
    assert capsys.readouterr().out == "Appending to notes.txt\n"
    assert (tmp_path / "notes.txt").read_text() == "two\nthree\n"


def test_writefile_append_creates_a_missing_file(
    shell: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("cd", f"-q {tmp_path}")
    shell.run_cell_magic("writefile", "--append new.py", "x = 1\n")
    assert capsys.readouterr().out == "Writing new.py\n"
    assert (tmp_path / "new.py").read_text() == "x = 1\n"


def test_writefile_through_run_cell_with_a_quoted_name(shell: Any, tmp_path: Path) -> None:
    shell.run_line_magic("cd", f"-q {tmp_path}")
    result = shell.run_cell("%%writefile 'my file.py'\nprint('hi')\n")
    assert result.success
    assert (tmp_path / "my file.py").read_text().startswith("print('hi')")


def test_writefile_needs_a_filename(shell: Any) -> None:
    with pytest.raises(UsageError, match="filename"):
        shell.run_cell_magic("writefile", "", "x")
