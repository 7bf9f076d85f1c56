"""The ``ipython`` launcher, run as a user runs it: a subprocess of the installed script.

Two-process mode takes the usual options (``-c``, ``FILE``, piped stdin); the
frontend process never builds a shell; ``ipython kernel`` runs a kernel other
clients attach to, and ``--existing`` attaches to it and leaves it running.
No test leaves a kernel behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_processes import kernel_pids, wait_gone

from split.launcher import split_mode_flags

IPYTHON = str(Path(sys.executable).with_name("ipython"))


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a user with a private runtime dir; no kernel may outlive the test."""
    runtime = tmp_path / "runtime"
    environ = dict(os.environ)
    environ.pop("PYTHONSTARTUP", None)
    environ.update(LEGACY_SHELL_DIR=str(tmp_path / "home"), JUPYTER_RUNTIME_DIR=str(runtime))
    yield environ
    left = [pid for pid in kernel_pids(runtime) if not wait_gone(pid, 5.0)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"kernels left behind: {left}"


def ipython(*args: str, env: dict[str, str], stdin: str = "", cwd: Path | None = None):
    return subprocess.run(
        [IPYTHON, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60,
        cwd=cwd,
    )  # fmt: skip


def test_the_script_is_ours() -> None:
    text = Path(IPYTHON).read_text()
    assert "split.launcher" in text


def test_mode_flags_are_taken_only_before_the_file() -> None:
    assert split_mode_flags(["--two-process", "-c", "x"]) == ("two-process", None, ["-c", "x"])
    assert split_mode_flags(["-c", "--two-process"]) == (None, None, ["-c", "--two-process"])
    assert split_mode_flags(["f.py", "--two-process"]) == (None, None, ["f.py", "--two-process"])
    assert split_mode_flags(["--existing", "k.json", "-i"]) == ("existing", "k.json", ["-i"])
    assert split_mode_flags(["--existing", "--simple-prompt"]) == (
        "existing", None, ["--simple-prompt"],
    )  # fmt: skip
    assert split_mode_flags(["--existing=k.json"]) == ("existing", "k.json", [])


def test_dash_c_runs_in_a_kernel(env: dict[str, str]) -> None:
    done = ipython("--two-process", "-c", "import os; print(6*7, os.getpid())", env=env)
    assert done.returncode == 0, done.stderr
    answer, pid = done.stdout.split()
    assert answer == "42"
    assert int(pid) != os.getpid()


def test_an_error_in_dash_c_is_status_1(env: dict[str, str]) -> None:
    done = ipython("--two-process", "-c", "1/0", env=env)
    assert done.returncode == 1
    assert "ZeroDivisionError" in done.stdout
    assert "\x1b[" not in done.stdout  # no colours when output is not a terminal


def test_piped_stdin_runs_cell_by_cell(env: dict[str, str]) -> None:
    done = ipython("--two-process", env=env, stdin="x = 40\nfor i in range(2):\n    x += 1\n\nx\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Out[3]: 42"


def test_a_file_runs_with_its_arguments(env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text("import sys\nprint('args', sys.argv[1:])\n")
    done = ipython("--two-process", str(script), "a", "b", env=env)
    assert done.returncode == 0, done.stderr
    assert "args ['a', 'b']" in done.stdout


def test_config_assignments_reach_the_kernel(env: dict[str, str]) -> None:
    done = ipython(
        "--two-process", "--config", "shell.xmode=Minimal", "-c", "%config shell.xmode", env=env
    )
    assert done.returncode == 0, done.stderr
    assert "Minimal" in done.stdout


@pytest.mark.parametrize(
    "args", [["--two-process", "--bogus"], ["kernel", "--bogus"], ["kernelspec", "frob"]]
)
def test_unknown_options_are_one_line_and_status_2(env: dict[str, str], args: list[str]) -> None:
    done = ipython(*args, env=env)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "error" in done.stderr


def test_the_frontend_process_builds_no_shell(env: dict[str, str]) -> None:
    probe = (
        "import sys\n"
        "from split.launcher import main\n"
        "status = main(['--two-process', '-c', 'print(6*7)'])\n"
        "print('shell imported:', 'legacy_shell.shell' in sys.modules)\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["42", "shell imported: False"]


def test_a_standalone_kernel_takes_clients_and_stops_on_ctrl_c(
    env: dict[str, str], tmp_path: Path
) -> None:
    conn = tmp_path / "k.json"
    launcher = subprocess.Popen(
        [IPYTHON, "kernel", "--connection-file", str(conn)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert launcher.stdout is not None
        lines = [launcher.stdout.readline() for _ in range(4)]
        assert f"ipython --existing {conn}" in "".join(lines)
        assert "jupyter console --existing" in "".join(lines)
        first = ipython("--existing", str(conn), "-c", "x = 21", env=env)
        assert first.returncode == 0, first.stderr
        assert "keeps running" in first.stdout
        second = ipython("--existing", str(conn), "-c", "print(x * 2)", env=env)
        assert second.returncode == 0, second.stderr
        assert second.stdout.startswith("42\n")
        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=10) == 0
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()


def test_a_missing_existing_file_is_a_clear_error(env: dict[str, str], tmp_path: Path) -> None:
    done = ipython("--existing", str(tmp_path / "nope.json"), "-c", "1", env=env)
    assert done.returncode == 1
    assert "nope.json" in done.stderr


def test_a_foreign_legacy_shell_on_the_path_is_one_clear_error(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign" / "legacy_shell"
    foreign.mkdir(parents=True)
    (foreign / "__init__.py").write_text("NAME = 'somebody else'\n")
    env = dict(os.environ, PYTHONPATH=str(foreign.parent), LEGACY_SHELL_DIR=str(tmp_path))
    result = subprocess.run(
        [IPYTHON, "-c", "print(1)"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "shadows ours" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_scripts_sys_exit_status_is_ours_quietly_as_in_one_process(
    env: dict[str, str], tmp_path: Path
) -> None:
    script = tmp_path / "leave.py"
    script.write_text("import sys\nprint('hi')\nsys.exit(3)\n")
    for mode in ([], ["--two-process"]):
        done = ipython(*mode, str(script), env=env)
        assert done.returncode == 3, (mode, done.stdout, done.stderr)
        assert done.stdout.strip() == "hi"
        assert "SystemExit" not in done.stdout + done.stderr


def test_help_lists_the_two_process_flags_and_the_commands(env: dict[str, str]) -> None:
    done = ipython("--help", env=env)
    assert done.returncode == 0
    for item in ("--two-process", "--existing [FILE]", "ipython kernel", "ipython kernelspec"):
        assert item in done.stdout
    assert "-c CODE" in done.stdout  # and the shell's own options
    assert ipython("--two-process", "--help", env=env).stdout == done.stdout
