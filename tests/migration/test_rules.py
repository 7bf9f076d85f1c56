"""Each rule: before -> after, after -> after (idempotent), and only the proven shell is touched."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from migration.rules import RULES, ShellRule, rule_named


def apply(rule: type[ShellRule], source: str) -> tuple[str, list[tuple[int, str, str]]]:
    instance = rule(CodemodContext(filename="ext.py"))
    module = instance.transform_module(cst.parse_module(textwrap.dedent(source)))
    return module.code, [(n.line, n.chain, n.reason) for n in instance.notes]


CASES = {
    "magic": [
        (
            "def load_ipython_extension(ip):\n    ip.magic(\"cd /tmp\")\n    ip.magic('%time x')\n",
            'def load_ipython_extension(ip):\n    ip.run_line_magic("cd", "/tmp")\n'
            "    ip.run_line_magic('time', 'x')\n",
        ),
        (
            'ipmagic("pwd")\n',
            'from legacy_shell import get_ipython\n\nget_ipython().run_line_magic("pwd", "")\n',
        ),
    ],
    "ip-attr": [
        (
            "def init_ipython(ip):\n    ip.IP.run_cell('1')\n    shell = ip.IP\n",
            "def init_ipython(ip):\n    ip.run_cell('1')\n    shell = ip\n",
        ),
    ],
    "runlines": [
        (
            "def load_ipython_extension(ip):\n    ip.runlines('x = 1')\n    ip.runlines(['a', 'b'])\n",
            "def load_ipython_extension(ip):\n    ip.run_cell('x = 1')\n"
            "    ip.run_cell(\"\\n\".join(['a', 'b']))\n",
        ),
    ],
    "push": [
        (
            "def load_ipython_extension(ip):\n    ip.to_user_ns('a b')\n    ip.user_ns['k'] = 42\n",
            "def load_ipython_extension(ip):\n    ip.push('a b')\n    ip.push({'k': 42})\n",
        ),
    ],
    "expose-magic": [
        (
            "def hi(self, line):\n    return line\n"
            "def load_ipython_extension(ip):\n    ip.expose_magic('hi', hi)\n",
            "def hi(line):\n    return line\n"
            "def load_ipython_extension(ip):\n    ip.register_magic_function(hi, \"line\", 'hi')\n",
        ),
    ],
    "set-hook": [
        (
            "def before(self):\n    print('go')\n"
            "def load_ipython_extension(ip):\n    ip.set_hook('pre_run_code_hook', before)\n",
            "def before():\n    print('go')\n"
            "def load_ipython_extension(ip):\n    ip.events.register('pre_execute', before)\n",
        ),
    ],
    "init-ipython": [
        ("def init_ipython(ip):\n    pass\n", "def load_ipython_extension(ip):\n    pass\n"),
    ],
    "get-ipython": [
        (
            "from legacy_shell import ipapi\nip = ipapi.get()\n__IPYTHON__.run_cell('1')\n"
            "if __IPYTHON__:\n    _ip.push({})\n",
            "from legacy_shell import get_ipython, ipapi\nip = get_ipython()\n"
            "get_ipython().run_cell('1')\nif __IPYTHON__:\n    get_ipython().push({})\n",
        ),
        (
            "import IPython\nip = IPython.ipapi.get()\n",
            "import IPython\nfrom IPython import get_ipython\n\nip = get_ipython()\n",
        ),
    ],
    "imports": [
        (
            "from legacy_shell import ipapi\nfrom legacy_shell import get_ipython\nip = get_ipython()\n",
            "from legacy_shell import get_ipython\nip = get_ipython()\n",
        ),
    ],
}


def test_every_rule_has_cases() -> None:
    assert set(CASES) == {rule.NAME for rule in RULES}
    for rule in RULES:
        assert rule.DESCRIPTION, rule.NAME


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [(name, b, a) for name, pairs in CASES.items() for b, a in pairs],
)
def test_before_after_and_idempotent(name: str, before: str, after: str) -> None:
    rule = rule_named(name)
    assert rule is not None
    assert apply(rule, before)[0] == after
    assert apply(rule, after)[0] == after  # after -> after


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.NAME)
def test_code_that_is_not_the_shell_is_never_changed(rule: type[ShellRule]) -> None:
    source = (
        "def helper(ip):\n"  # a parameter named ip: probable, never rewritten
        "    ip.magic('cd /tmp')\n"
        "    ip.runlines('x')\n"
        "    ip.IP.x = 1\n"
        "    ip.to_user_ns({})\n"
        "    ip.user_ns['k'] = 1\n"
        "class Other:\n"
        "    def magic(self, line):\n"
        "        return line\n"
        "Other().magic('x')\n"
    )
    assert apply(rule, source)[0] == textwrap.dedent(source)


def test_what_a_rule_cannot_port_is_reported_with_its_line() -> None:
    _, notes = apply(rule_named("magic"), "def load_ipython_extension(ip):\n    ip.magic(line)\n")  # type: ignore[arg-type]
    assert notes == [(2, "magic", "the line is not a string literal: port it by hand")]
    _, notes = apply(
        rule_named("expose-magic"),  # type: ignore[arg-type]
        "def cwd(self, arg):\n    return self.user_ns\n"
        "def load_ipython_extension(ip):\n    ip.expose_magic('cwd', cwd)\n",
    )
    assert (1, "magic body", "the magic's body uses its self argument (the shell): it still "
            "gets the shell; port what it does with it to ShellAPI") in notes  # fmt: skip
    _, notes = apply(
        rule_named("set-hook"),  # type: ignore[arg-type]
        "def load_ipython_extension(ip):\n    ip.set_hook('editor', print)\n",
    )
    assert notes == [
        (
            2,
            "set_hook",
            "callback into the kernel: hook editor has no event that is the same moment",
        )
    ]
    _, notes = apply(
        rule_named("push"),  # type: ignore[arg-type]
        "def load_ipython_extension(ip):\n    ip.user_ns['f'] = lambda: 1\n",
    )
    assert notes == [(2, "user_ns.__setitem__", "a value that cannot cross by value")]


def test_libcsts_own_runner_runs_a_rule(tmp_path: Path) -> None:
    target = tmp_path / "ext.py"
    target.write_text('def load_ipython_extension(ip):\n    ip.magic("cd /tmp")\n')
    done = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format",
         "migration.rules.magic.MagicToRunLineMagic", str(target)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        target.read_text()
        == 'def load_ipython_extension(ip):\n    ip.run_line_magic("cd", "/tmp")\n'
    )
