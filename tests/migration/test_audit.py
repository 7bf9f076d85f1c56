"""The audit: every use of the shell, its chain, its class and the reason, at its line."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from migration.audit import Site, audit_module
from migration.contract import load_contract

CONTRACT = load_contract()


def sites(source: str) -> list[tuple[int, str, str, str]]:
    """``(line, chain, class, rule or reason)`` of each site, for compact expectations."""
    module = cst.parse_module(textwrap.dedent(source))
    found: list[Site] = audit_module(cst.MetadataWrapper(module), CONTRACT)
    return [(s.line, s.chain, s.cls, s.rule or s.reason) for s in found]


def test_api_members_are_proxy_safe() -> None:
    assert sites(
        """
        def load_ipython_extension(ip):
            ip.run_cell("1")
            ip.user_ns["x"] = 1
            y = ip.user_ns["x"]
            "x" in ip.user_ns
            ip.events.register("pre_run_cell", print)
            ip.display_formatter.formatters["text/html"].for_type(int, str)
        """
    ) == [
        (3, "run_cell", "proxy-safe", "in ShellAPI"),
        (4, "user_ns.__setitem__", "proxy-safe", "in ShellAPI"),
        (5, "user_ns.__getitem__", "proxy-safe", "in ShellAPI"),
        (6, "user_ns.__contains__", "proxy-safe", "in ShellAPI"),
        (7, "events.register", "proxy-safe", "in ShellAPI"),
        (8, "display_formatter.formatters.for_type", "proxy-safe", "in ShellAPI"),
    ]


def test_legacy_calls_are_rewritable_and_name_their_rule() -> None:
    assert sites(
        """
        from legacy_shell import ipapi
        ip = ipapi.get()
        def hi(self, line): pass
        def before(self): pass
        def init_ipython(ip):
            ip.magic("cd /tmp")
            ip.IP.run_cell("1")
            ip.runlines("x = 1")
            ip.to_user_ns("a b")
            ip.expose_magic("hi", hi)
            ip.set_hook("pre_run_code_hook", before)
            ip.expose_magic("echo", print)
        """
    ) == [
        (3, "ipapi.get()", "rewritable", "get-ipython"),
        (6, "init_ipython", "rewritable", "init-ipython"),
        (7, "magic", "rewritable", "magic"),
        (8, "IP", "rewritable", "ip-attr"),
        (8, "run_cell", "proxy-safe", "in ShellAPI"),
        (9, "runlines", "rewritable", "runlines"),
        (10, "to_user_ns", "rewritable", "push"),
        (11, "expose_magic", "rewritable", "expose-magic"),
        (12, "set_hook", "rewritable", "set-hook"),
        # the rule would leave these: the audit says so too
        (
            13,
            "expose_magic",
            "manual",
            "the magic's function is not a lambda or a def used only here: port it by hand",
        ),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("ip.history_manager.get_tail(3)", "not part of the shell API (ShellAPI)"),
        ("ip._internal()", "private internals of the shell"),
        ("ip.run_cell = print", "monkey-patching the shell"),
        ('eval("1", ip.user_ns)', "the live namespace passed to eval/exec"),
        ('ip.user_ns["f"] = lambda: 1', "a value that cannot cross by value"),
        ('ip.set_hook("editor", print)', "callback into the kernel: hook editor has no event"),
        ("ip.magic(line)", "magic() with a line that is not a string literal"),
    ],
)
def test_manual_sites_say_why(line: str, reason: str) -> None:
    found = sites(f"def load_ipython_extension(ip):\n    {line}\n")
    assert [(s[0], s[2]) for s in found] == [(2, "manual")]
    assert found[0][3].startswith(reason)


def test_subclassing_the_shell_and_frame_inspection_are_manual() -> None:
    assert sites(
        """
        import sys
        from legacy_shell.shell import InteractiveShell
        class MyShell(InteractiveShell):
            pass
        f = sys._getframe(1)
        """
    ) == [
        (4, "InteractiveShell", "manual", "subclassing the shell"),
        (6, "sys._getframe", "manual", "frame inspection"),
    ]


def test_what_proves_a_shell() -> None:
    found = audit_module(
        cst.MetadataWrapper(
            cst.parse_module(
                textwrap.dedent(
                    """
                    from IPython import get_ipython
                    from legacy_shell.magic import Magics, magics_class
                    shell = get_ipython()
                    shell.run_cell("1")
                    get_ipython().push({})
                    __IPYTHON__.run_cell("2")
                    if __IPYTHON__:
                        pass
                    @magics_class
                    class M(Magics):
                        def f(self):
                            self.shell.run_cell("3")
                    def helper(ip):
                        ip.run_cell("4")
                    def other(x):
                        x.shell.run_cell("5")
                    """
                )
            )
        ),
        CONTRACT,
    )
    proven = {(s.line, s.chain): s.proven for s in found}
    assert proven == {
        (5, "run_cell"): True,
        (6, "push"): True,
        (7, "__IPYTHON__"): True,
        (7, "run_cell"): True,
        (13, "run_cell"): True,
        (15, "run_cell"): False,  # a parameter named ip: probable
        (17, "run_cell"): False,  # X.shell: probable
    }


def test_a_rebound_name_is_only_probable() -> None:
    found = audit_module(
        cst.MetadataWrapper(
            cst.parse_module(
                "from legacy_shell import get_ipython\n"
                "shell = get_ipython()\n"
                "shell = object()\n"
                "shell.run_cell('1')\n"
            )
        ),
        CONTRACT,
    )
    assert [(s.chain, s.proven) for s in found] == [("run_cell", False)]


def test_code_that_never_touches_the_shell_has_no_sites() -> None:
    assert sites("import os\nprint(os.getcwd())\nclass A:\n    shelf = 1\n") == []


def test_a_namespace_kept_in_a_variable_and_handed_to_eval_is_manual() -> None:
    assert sites(
        """
        def load_ipython_extension(ip):
            global_ns = ip.user_global_ns
            local_ns = ip.user_ns
            print(eval("x", global_ns, local_ns))
            values = ip.user_ns
            print(len(values))
        """
    ) == [
        (3, "user_global_ns", "manual", "the live namespace passed to eval/exec"),
        (4, "user_ns", "manual", "the live namespace passed to eval/exec"),
        (6, "user_ns", "proxy-safe", "in ShellAPI"),
    ]
