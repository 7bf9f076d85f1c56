"""IPython syntax becomes plain Python; only the start of a logical line is rewritten."""

from __future__ import annotations

import pytest

from legacy_shell.inputtransform import InputTransformer

MAGICS = {"pwd", "cd", "time", "who"}


@pytest.fixture
def tf() -> InputTransformer:
    return InputTransformer(lambda name: name in MAGICS)


@pytest.mark.parametrize(
    ("cell", "python"),
    [
        ("%time x = 1", "get_ipython().run_line_magic('time', 'x = 1')\n"),
        ("  %cd /tmp", "  get_ipython().run_line_magic('cd', '/tmp')\n"),
        ("!echo hi", "get_ipython().system('echo hi')\n"),
        ("files = !ls -1", "files = get_ipython().getoutput('ls -1')\n"),
        ("x = %pwd", "x = get_ipython().run_line_magic('pwd', '')\n"),
        ("len?", "get_ipython().run_line_magic('pinfo', 'len')\n"),
        ("os.path.join??", "get_ipython().run_line_magic('pinfo2', 'os.path.join')\n"),
        ("?len", "get_ipython().run_line_magic('pinfo', 'len')\n"),
        ("%time?", "get_ipython().run_line_magic('pinfo', '%time')\n"),
        ("pwd", "get_ipython().run_line_magic('pwd', '')\n"),
        ("cd ..", "get_ipython().run_line_magic('cd', '..')\n"),
    ],
)
def test_line_syntax_becomes_calls_on_the_shell(
    tf: InputTransformer, cell: str, python: str
) -> None:
    assert tf.transform_cell(cell) == python


def test_cell_magic_takes_the_whole_body(tf: InputTransformer) -> None:
    out = tf.transform_cell("%%bash -e\necho a\necho b")
    assert out == "get_ipython().run_cell_magic('bash', '-e', 'echo a\\necho b\\n')\n"


@pytest.mark.parametrize(
    "cell",
    [
        "x = 5 % 3",
        "s = '%d' % 3",
        "pwd = 3",
        "cd = lambda: 0",
        "who(1)",
        "x != 3",
        "print('a?')",
        "d = {'a': 1}",
    ],
)
def test_plain_python_is_left_alone(tf: InputTransformer, cell: str) -> None:
    assert tf.transform_cell(cell) == cell + "\n"


def test_lines_inside_strings_and_brackets_are_not_rewritten(tf: InputTransformer) -> None:
    cell = 's = """\n%time nothing\n!not a command\n"""\nt = (1,\n  2)\n%pwd'
    out = tf.transform_cell(cell).splitlines()
    assert out[1] == "%time nothing"
    assert out[2] == "!not a command"
    assert out[-1] == "get_ipython().run_line_magic('pwd', '')"


def test_automagic_only_for_known_magics(tf: InputTransformer) -> None:
    assert tf.transform_cell("foo bar") == "foo bar\n"


def test_pasted_prompts_are_stripped(tf: InputTransformer) -> None:
    assert tf.transform_cell(">>> x = 1\n>>> y = x + 1") == "x = 1\ny = x + 1\n"
    assert tf.transform_cell("In [1]: x = 1\n   ...: y = 2") == "x = 1\ny = 2\n"


@pytest.mark.parametrize(
    ("cell", "status", "indent"),
    [
        ("x = 1", "complete", None),
        ("for i in range(3):", "incomplete", "    "),
        ("for i in range(3):\n    print(i)", "incomplete", "    "),
        ("for i in range(3):\n    print(i)\n", "complete", None),
        ("def f():\n    return 1", "incomplete", ""),
        ("x = (1,", "incomplete", ""),
        ("s = '''abc", "incomplete", ""),
        ("x = 1 \\", "incomplete", ""),
        ("x = = 1", "invalid", None),
        ("%time x = 1", "complete", None),
        ("%%bash\necho hi", "incomplete", ""),
        ("%%bash\necho hi\n", "complete", None),
        ("await something()", "complete", None),
        ("", "complete", None),
        ("try:\n    x = 1", "incomplete", "    "),
        ("try:\n    x = 1\n", "incomplete", ""),
        ("try:\n    x = 1\nexcept ValueError:\n    pass\n", "complete", None),
        ("@property", "incomplete", ""),
        ("class W:\n    @property", "incomplete", "    "),
        ("class W:\n    @property\n    def p(self):", "incomplete", "        "),
        ("if x:\n    pass\nelse:\n", "incomplete", "    "),
    ],
)
def test_check_complete_as_the_kernel_protocol_wants(
    tf: InputTransformer, cell: str, status: str, indent: str | None
) -> None:
    assert tf.check_complete(cell) == (status, indent)


def test_wildcard_help_becomes_a_name_search(tf: InputTransformer) -> None:
    assert tf.transform_cell("np.*load*?") == "get_ipython().run_line_magic('pinfo', 'np.*load*')\n"
