"""The ``ipython`` command as a user runs it: real processes, real exit statuses.

Each test runs the installed console script (or ``python -m legacy_shell``)
with its own ``LEGACY_SHELL_DIR``, so no test reads or writes the user's
files, and checks what a user would see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import legacy_shell


def ipython_command() -> list[str]:
    """The venv's ``ipython`` script beside this interpreter, else ``python -m legacy_shell``."""
    script = Path(sys.executable).parent / "ipython"
    if script.exists():
        return [str(script)]
    found = shutil.which("ipython")
    return [found] if found and _is_ours(Path(found)) else [sys.executable, "-m", "legacy_shell"]


def _is_ours(script: Path) -> bool:
    return "split.launcher" in script.read_text(errors="replace")


def run(
    home: Path, *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LEGACY_SHELL_DIR=str(home))
    env.pop("PYTHONSTARTUP", None)
    return subprocess.run(
        [*ipython_command(), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or home,
        timeout=60,
    )


def test_the_venv_ipython_script_is_ours_not_ipythons() -> None:
    script = Path(sys.executable).parent / "ipython"
    assert script.exists(), "the project's console script is not installed in this venv"
    text = script.read_text()
    assert "from split.launcher import main" in text
    assert "IPython" not in text


def test_dash_c_and_piped_input_do_not_import_the_terminal_ui(tmp_path: Path) -> None:
    probe = (
        "import sys; print(sorted(m for m in ('prompt_toolkit', 'pygments') if m in sys.modules))"
    )
    assert run(tmp_path, "-c", probe).stdout == "[]\n"
    assert run(tmp_path, stdin=probe + "\n").stdout == "[]\n"


def test_dash_c_runs_a_multi_line_cell(tmp_path: Path) -> None:
    result = run(tmp_path, "-c", "x = 6*7\nprint(x)")
    assert (result.stdout, result.returncode) == ("42\n", 0)


def test_piped_stdin_runs_cells_without_prompts(tmp_path: Path) -> None:
    result = run(tmp_path, stdin="print(40+2)\n")
    assert (result.stdout, result.returncode) == ("42\n", 0)


def test_piped_stdin_runs_blocks_and_shows_results(tmp_path: Path) -> None:
    code = "total = 0\nfor i in range(4):\n    total += i\n\ntotal\n"
    result = run(tmp_path, stdin=code)
    assert result.stdout == "Out[3]: 6\n"


def test_dash_m_runs_python_as_python_m(tmp_path: Path) -> None:
    result = run(tmp_path, "-m", "platform", "--terse")
    assert result.returncode == 0
    assert result.stdout.strip()


def test_dash_c_system_command(tmp_path: Path) -> None:
    result = run(tmp_path, "-c", "!echo hi")
    assert result.stdout == "hi\n"


def test_dash_c_help_syntax_shows_signature_and_docstring(tmp_path: Path) -> None:
    result = run(tmp_path, "-c", "len?")
    assert "Signature: len(obj, /)" in result.stdout
    assert "Return the number of items in a container." in result.stdout


def test_a_file_runs_with_its_arguments(tmp_path: Path) -> None:
    script = tmp_path / "show_args.py"
    script.write_text("import sys\nprint(sys.argv[1:])\n")
    result = run(tmp_path, str(script), "one", "two words")
    assert result.stdout == "['one', 'two words']\n"
    assert result.returncode == 0


def test_a_file_that_calls_sys_exit_gives_its_status(tmp_path: Path) -> None:
    script = tmp_path / "bye.py"
    script.write_text("import sys\nsys.exit(3)\n")
    assert run(tmp_path, str(script)).returncode == 3


def test_a_missing_file_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = run(tmp_path, "no_such_file.py")
    assert result.returncode == 2
    assert result.stderr == "ipython: error: file not found: no_such_file.py\n"


def test_version_prints_the_version(tmp_path: Path) -> None:
    result = run(tmp_path, "--version")
    assert (result.stdout, result.returncode) == (f"{legacy_shell.__version__}\n", 0)


def test_help_lists_the_options(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for option in ("-c CODE", "-m MODULE", "-i", "--simple-prompt", "--config KEY=VALUE"):
        assert option in result.stdout


def test_a_bad_config_value_names_the_key_and_the_type(tmp_path: Path) -> None:
    result = run(tmp_path, "--config", "shell.automagic=maybe", "-c", "pass")
    assert result.returncode == 2
    assert result.stderr == (
        "ipython: error: --config shell.automagic=maybe: expected bool (true/false), got 'maybe'\n"
    )


def test_a_config_assignment_applies(tmp_path: Path) -> None:
    result = run(tmp_path, "--config", "prompts.out='Result {count}> '", stdin="1 + 1\n")
    assert result.stdout == "Result 1> 2\n"


def test_a_broken_config_file_is_reported_and_defaults_are_used(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[shell]\nautomagic = 'maybe'\n")
    result = run(tmp_path, "-c", "print('still runs')")
    assert result.stdout == "still runs\n"
    assert result.stderr.count("\n") == 1 and "shell.automagic" in result.stderr


def test_an_unknown_flag_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    result = run(tmp_path, "--bogus")
    assert result.returncode == 2
    assert result.stderr.startswith("ipython: error: unrecognized arguments: --bogus")
    assert "Traceback" not in result.stderr


def test_dash_c_error_shows_the_traceback_and_exits_1_as_ipython(tmp_path: Path) -> None:
    result = run(tmp_path, "-c", "1/0")
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stdout
    assert "----> 1 1/0" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colours


def test_dash_c_system_exit_is_shown_and_exits_1_as_ipython(tmp_path: Path) -> None:
    assert run(tmp_path, "-c", "raise SystemExit(3)").returncode == 1


def test_dash_c_exit_leaves_with_status_0(tmp_path: Path) -> None:
    assert run(tmp_path, "-c", "exit").returncode == 0


def test_colors_flag_keeps_colours_when_piped(tmp_path: Path) -> None:
    result = run(tmp_path, "--colors", "-c", "1/0")
    assert "\x1b[" in result.stdout


def test_dash_i_stays_interactive_after_dash_c(tmp_path: Path) -> None:
    result = run(tmp_path, "-i", "-c", "x = 41", stdin="print(x + 1)\n")
    assert result.stdout == "42\n"
    assert result.returncode == 0


def test_dash_i_stays_interactive_after_a_file(tmp_path: Path) -> None:
    script = tmp_path / "defs.py"
    script.write_text("answer = 42\n")
    result = run(tmp_path, "-i", str(script), stdin="answer\n")
    assert result.stdout == "Out[1]: 42\n"


def test_quick_skips_startup_files(tmp_path: Path) -> None:
    startup = tmp_path / "startup"
    startup.mkdir()
    (startup / "00-hello.py").write_text("print('startup ran')\n")
    assert run(tmp_path, "-c", "pass").stdout == "startup ran\n"
    assert run(tmp_path, "--quick", "-c", "pass").stdout == ""


def test_history_of_piped_sessions_is_kept(tmp_path: Path) -> None:
    run(tmp_path, stdin="marker_value = 1\n")
    result = run(tmp_path, "-c", "%history -g marker_value")
    assert "marker_value = 1" in result.stdout


@pytest.mark.parametrize("flag", ["--simple-prompt", "--no-banner"])
def test_terminal_flags_are_accepted_in_piped_mode(tmp_path: Path, flag: str) -> None:
    assert run(tmp_path, flag, stdin="print(1)\n").stdout == "1\n"


def test_modules_in_the_current_directory_import(tmp_path: Path) -> None:
    (tmp_path / "localmod_probe.py").write_text("VALUE = 42\n")
    result = run(tmp_path, "-c", "import localmod_probe; print(localmod_probe.VALUE)", cwd=tmp_path)
    assert result.stdout.strip() == "42", result.stderr


def test_the_options_end_at_the_file_the_module_or_a_double_dash() -> None:
    from legacy_shell.cli import options_end

    assert options_end(["-i", "--no-banner"]) == 2
    assert options_end(["-i", "script.py", "-i"]) == 1
    assert options_end(["-c", "-i", "--quick"]) == 3  # -c's value is not an option
    assert options_end(["--config", "shell.xmode=Plain", "-m", "json.tool"]) == 2
    assert options_end(["-mjson.tool", "x"]) == 0
    assert options_end(["--", "-i"]) == 0
    assert (
        options_end(["--existing", "k.json", "-i"], optional_value=frozenset({"--existing"})) == 3
    )
    assert options_end(["--existing", "-i"], optional_value=frozenset({"--existing"})) == 2
