"""The proxy's surface: the shell API's members and nothing else, values by value, errors, output.

A ``ShellProxy`` has every member of ``legacy_shell.api.ShellAPI`` with the
real shell's signature; any other name fails here, at once, without a message
to the kernel. Values cross by value (or as a ``RemoteRef`` where the shell's
own answer is an object that cannot); the kernel's exceptions are raised here
as the same classes; what a call prints reaches this process's stdout/stderr.
"""

from __future__ import annotations

import gc
import inspect
import math
import re
import threading
from typing import Any

import pytest
from proxy_support import Kernel, count_sends, inprocess_shell

from adapters import RemoteError, RemoteRef, ShellProxy
from legacy_shell.api import ExecutionResult, ShellAPI
from legacy_shell.errors import UsageError
from legacy_shell.magic import Magics, line_cell_magic, line_magic, magics_class
from legacy_shell.shell import InteractiveShell
from split.rpc.surface import CALLS


def _api_members() -> tuple[list[str], list[str]]:
    """``ShellAPI``'s members: (methods, attributes and properties)."""
    methods, attributes = [], list(ShellAPI.__annotations__)
    for name, value in vars(ShellAPI).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            attributes.append(name)
        elif callable(value):
            methods.append(name)
    return sorted(methods), sorted(attributes)


METHODS, ATTRIBUTES = _api_members()


def test_the_member_table_is_the_whole_shell_api() -> None:
    assert "run_cell" in METHODS and "push" in METHODS and "history" in METHODS
    assert {"user_ns", "events", "execution_count", "display_formatter"} <= set(ATTRIBUTES)
    served = {name.split(".")[0] for name in CALLS}  # every member reaches the kernel ...
    assert set(METHODS) - served == {"register_magics"}  # ... but this one: each magic does
    assert set(ATTRIBUTES) <= served


@pytest.mark.parametrize("name", METHODS)
def test_every_api_method_has_the_real_shells_signature(name: str) -> None:
    assert inspect.signature(getattr(ShellProxy, name)) == inspect.signature(
        getattr(InteractiveShell, name)
    )


def test_run_cell_takes_the_shells_cell_id_and_shell_futures(proxy: ShellProxy) -> None:
    result = proxy.run_cell("x = 1", cell_id="cell-1", shell_futures=False)
    assert (result.info.cell_id, result.info.shell_futures) == ("cell-1", False)


def test_every_api_attribute_and_property_is_on_the_proxy(proxy: ShellProxy) -> None:
    for name in ATTRIBUTES:
        assert hasattr(proxy, name), name
    assert isinstance(proxy, ShellAPI)


@pytest.mark.parametrize(
    "name",
    [
        "_ipython_canary_method_should_not_exist_",
        "_repr_html_",
        "history_manager",
        "magics_manager",
        "user_ns_hidden",
        "nosuchthing",
    ],
)
def test_a_name_outside_the_api_is_an_attribute_error_without_a_round_trip(
    proxy: ShellProxy, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    sent = count_sends(monkeypatch, proxy)
    with pytest.raises(AttributeError, match=re.escape(repr(name))):
        getattr(proxy, name)
    assert not hasattr(proxy, name)
    assert sent.count == 0


@pytest.mark.parametrize("name", ["user_ns", "execution_count", "run_cell", "anything"])
def test_setting_an_attribute_of_the_proxy_is_an_attribute_error(
    proxy: ShellProxy, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    sent = count_sends(monkeypatch, proxy)
    with pytest.raises(AttributeError):
        setattr(proxy, name, {})
    assert sent.count == 0
    assert isinstance(proxy.user_ns["__name__"], str)  # nothing was replaced


# -- values by value -----------------------------------------------------------------------

VALUES = [
    None,
    True,
    False,
    0,
    -7,
    2**100,
    1.5,
    -0.0,
    math.inf,
    -math.inf,
    "",
    "héllo\n\x00\u2603",
    "$tuple",
    b"",
    b"\x00\xffbytes",
    [],
    [1, "two", [3.0, None]],
    (),
    (1, (2, "three"), [4]),
    {},
    {"a": 1, "b": [2]},
    {1: "one", (2, 3): b"x", None: 0.5, 2.5: False},
    {"$tuple": [1, 2]},
    {"$set": 1, "plain": 2},
    set(),
    {1, "two", (3, 4)},
    frozenset({1, frozenset({2})}),
    [{"k": ({1}, frozenset())}],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_value_round_trips_through_the_namespace(proxy: ShellProxy, value: Any) -> None:
    proxy.user_ns["v"] = value
    back = proxy.user_ns["v"]
    assert back == value
    assert type(back) is type(value)
    if not isinstance(
        value, set | frozenset
    ):  # (a set's order depends on each process's hash seed)
        assert repr(back) == repr(value)  # nested types too (a tuple stays a tuple, -0.0 stays)
    assert proxy.run_cell("type(v).__name__").result == type(value).__name__


def test_nan_round_trips_through_the_namespace(proxy: ShellProxy) -> None:
    proxy.user_ns["v"] = [math.nan]
    back = proxy.user_ns["v"]
    assert isinstance(back[0], float) and math.isnan(back[0])
    assert proxy.run_cell("v[0] != v[0]").result is True


def test_the_namespace_mapping_operations(proxy: ShellProxy) -> None:
    ns = proxy.user_ns
    size = len(ns)
    assert "k" not in ns
    ns["k"] = 1
    assert "k" in ns
    assert len(ns) == size + 1
    keys = ns.keys()
    assert isinstance(keys, list) and "k" in keys
    assert ("k", 1) in ns.items()
    assert ns.get("k") == 1
    assert ns.get("missing") is None
    assert ns.get("missing", 7) == 7
    ns.update({"u1": 1}, u2=(2,))
    assert proxy.run_cell("(u1, u2)").result == (1, (2,))
    assert ns.pop("u1") == 1
    assert ns.pop("u1", "gone") == "gone"
    with pytest.raises(KeyError):
        ns.pop("u1")
    del ns["k"]
    assert "k" not in ns
    with pytest.raises(KeyError):
        del ns["k"]
    assert len(ns) == size + 1  # u2 is left
    assert set(ns) == set(ns.keys())


def test_items_give_objects_that_cannot_cross_as_references(proxy: ShellProxy) -> None:
    items = dict(proxy.user_ns.items())
    assert items["__name__"] == "__main__"
    assert isinstance(items["get_ipython"], RemoteRef)
    assert "method" in repr(items["get_ipython"])


def test_a_non_serialisable_argument_is_a_type_error_naming_the_member_and_the_type(
    proxy: ShellProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = count_sends(monkeypatch, proxy)
    with pytest.raises(TypeError) as push_error:
        proxy.push({"f": object()})
    assert "push" in str(push_error.value)
    assert "builtins.object" in str(push_error.value)
    with pytest.raises(TypeError) as set_error:
        proxy.user_ns["f"] = [1, {2: object()}]
    assert "user_ns" in str(set_error.value) and "builtins.object" in str(set_error.value)
    assert sent.count == 0  # refused here, before anything was sent
    assert "f" not in proxy.user_ns


def test_reading_an_object_that_cannot_cross_is_a_type_error_naming_it(proxy: ShellProxy) -> None:
    with pytest.raises(TypeError) as error:
        proxy.user_ns["get_ipython"]
    message = str(error.value)
    assert "user_ns['get_ipython']" in message
    assert "builtins.method" in message


def test_a_cell_result_that_cannot_cross_is_a_remote_ref_showing_its_type(
    proxy: ShellProxy,
) -> None:
    ref = proxy.run_cell("class Thing: pass\nThing()").result
    assert isinstance(ref, RemoteRef)
    assert "Thing" in repr(ref)
    plain = proxy.run_cell("object()").result
    assert isinstance(plain, RemoteRef)
    assert "builtins.object" in repr(plain)
    proxy.user_ns["back"] = plain  # a reference passed back means that very object
    assert proxy.run_cell("type(back).__name__").result == "object"


# -- exceptions ----------------------------------------------------------------------------


def test_a_remote_key_error_is_caught_by_except_key_error(proxy: ShellProxy) -> None:
    try:
        proxy.user_ns["nope"]
    except KeyError as e:
        error: BaseException = e
    else:
        pytest.fail("no KeyError")
    assert type(error).__name__ == "KeyError"
    assert error.args == ("nope",)
    assert "'nope'" in str(error)
    assert "Remote traceback" in str(error)


def test_a_cells_builtin_exception_is_that_builtin_with_the_remote_traceback(
    proxy: ShellProxy,
) -> None:
    result = proxy.run_cell("def f():\n    return 1/0\nf()")
    assert not result.success
    with pytest.raises(ZeroDivisionError) as caught:
        result.raise_error()
    error = caught.value
    assert type(error).__name__ == "ZeroDivisionError"
    assert isinstance(error, ArithmeticError)
    text = str(error)
    assert text.startswith("division by zero")
    assert "Remote traceback" in text and "return 1/0" in text


@pytest.mark.parametrize(
    ("cell", "builtin"),
    [
        ("[][1]", IndexError),
        ("int('x')", ValueError),
        ("undefined_name", NameError),
        ("import no_such_module_anywhere", ModuleNotFoundError),
        ("raise OSError(2, 'gone')", FileNotFoundError),
        ("{}.x", AttributeError),
    ],
)
def test_builtin_exceptions_come_back_as_their_builtin(
    proxy: ShellProxy, cell: str, builtin: type[BaseException]
) -> None:
    error = proxy.run_cell(cell).error_in_exec
    assert isinstance(error, builtin)
    assert type(error).__name__ == builtin.__name__


def test_an_exception_class_of_the_kernel_is_a_remote_error_with_its_name(
    proxy: ShellProxy,
) -> None:
    result = proxy.run_cell("class MyError(Exception):\n    pass\nraise MyError('boom')")
    error = result.error_in_exec
    assert isinstance(error, RemoteError)
    assert error.remote_type == "MyError"
    assert error.message == "boom"
    assert str(error).startswith("MyError: boom")
    assert "raise MyError('boom')" in error.remote_traceback


def test_an_unknown_magic_raises_the_shells_usage_error(proxy: ShellProxy) -> None:
    with pytest.raises(UsageError) as caught:
        proxy.run_line_magic("nosuchmagic", "")
    assert "nosuchmagic" in str(caught.value)
    with pytest.raises(UsageError):
        proxy.run_cell_magic("nosuchcellmagic", "", "body")


# -- output --------------------------------------------------------------------------------


def test_what_a_cell_prints_reaches_this_processs_stdout_and_stderr(
    proxy: ShellProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.run_cell("print('out'); import sys; print('err', file=sys.stderr)")
    captured = capsys.readouterr()
    assert captured.out == "out\n"
    assert captured.err == "err\n"


def test_an_expression_cell_shows_its_out_prompt(
    proxy: ShellProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    first = proxy.run_cell("6 * 7", store_history=True)
    second = proxy.run_cell("'a' * 3", store_history=True)
    assert (first.execution_count, second.execution_count) == (1, 2)
    assert (first.result, second.result) == (42, "aaa")
    out = capsys.readouterr().out
    assert "Out[1]: 42\n" in out
    assert "Out[2]: 'aaa'\n" in out
    assert proxy.execution_count == 3


def test_a_failing_cell_prints_its_traceback(
    proxy: ShellProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.run_cell("1/0")
    captured = capsys.readouterr()
    assert "ZeroDivisionError" in captured.out + captured.err
    assert "\x1b[" not in captured.out + captured.err  # the test config: no colours


def test_run_cell_returns_the_shells_execution_result(proxy: ShellProxy) -> None:
    result = proxy.run_cell("x = 1", store_history=True)
    assert isinstance(result, ExecutionResult)
    assert result.success
    assert result.info.raw_cell == "x = 1"
    assert result.info.store_history is True
    assert result.execution_count == 1
    assert proxy.user_ns["x"] == 1
    assert [row[1:] for row in proxy.history(1)] == [(1, "x = 1")]


# -- a lone surrogate: a str Python has (os.fsdecode of an undecodable file name) ------------


def test_a_str_with_a_lone_surrogate_crosses_to_the_kernel(
    kernel: Kernel, proxy: ShellProxy
) -> None:
    short = kernel.second_proxy(timeout=1.0)  # a failure is a timeout: keep it short
    try:
        short.user_ns["name"] = "file\udcff.txt"
        assert proxy.run_cell("name == 'file\\udcff.txt'").result is True
    finally:
        short.close()


def test_a_str_with_a_lone_surrogate_crosses_from_the_kernel(
    kernel: Kernel, proxy: ShellProxy
) -> None:
    proxy.run_cell("name = 'file\\udcff.txt'")
    short = kernel.second_proxy(timeout=1.0)
    try:
        assert short.user_ns["name"] == "file\udcff.txt"
    finally:
        short.close()


# -- the proxy answers as the shell in this process ---------------------------------------

PUSHED = 11  # read by push("PUSHED") from the calling frame


def _transform(lines: list[str]) -> list[str]:
    return [line.replace("ONE", "1") for line in lines]


def _cells(shell: Any, *cells: str, **kwargs: Any) -> list[Any]:
    return [shell.run_cell(cell, **kwargs) for cell in cells]


PARITY: dict[str, Any] = {
    "push names from the calling frame": lambda s: (s.push("PUSHED"), s.user_ns["PUSHED"]),
    "push a dict": lambda s: (s.push({"p": (1,)}), s.run_cell("p").result),
    "user_global_ns is the namespace": lambda s: (
        s.user_ns.update({"g": 1}),
        s.user_global_ns["g"],
    ),
    "a config value": lambda s: s.config["shell.colors"],
    "an unknown config key": lambda s: s.config.set("shell.no_such_key", 1),
    "complete a name": lambda s: s.complete("pri"),
    "complete in a line": lambda s: s.complete("", "import o", 8)[1][:5],
    "inspect as text": lambda s: s.object_inspect_text("len"),
    "inspect a missing name": lambda s: s.object_inspect_text("no_such_name_here"),
    "inspect as mime": lambda s: sorted(s.object_inspect_mime("len") or {}),
    "execution count and history": lambda s: (
        [r.execution_count for r in _cells(s, "h1 = 1", "h2 = 2", store_history=True)],
        s.execution_count,
        [row[1:] for row in s.history(2)],
    ),
    "a silent cell": lambda s: (
        s.run_cell("q = 1", silent=True).execution_count,
        s.execution_count,
    ),
    "a syntax error": lambda s: type(s.run_cell("def (").error_before_exec).__name__,
    "input_transformers_post with a function of ours": lambda s: (
        s.input_transformers_post.append(_transform),
        s.run_cell("ONE + 1").result,
        len(s.input_transformers_post),
        _transform in s.input_transformers_post,
        s.input_transformers_post.remove(_transform),
        len(s.input_transformers_post),
    ),
    "ast_transformers": lambda s: list(s.ast_transformers),
    "a magic's value": lambda s: (s.push({"w1": 1, "w2": 2}), s.run_line_magic("who_ls", "")),
    "an unknown event": lambda s: s.events.register("no_such_event", print),
    "register_magics with something else": lambda s: s.register_magics(object),
    "format a value": lambda s: s.display_formatter.format("abc"),
    "set_next_input": lambda s: s.set_next_input("next"),
    "the cell's payloads": lambda s: s.run_cell("get_ipython().set_next_input('zz')").payloads,
}


def _outcome(operation: Any, shell: Any) -> Any:
    try:
        return ("returned", operation(shell))
    except Exception as e:
        message = str(e).split("\n\nRemote traceback")[0]
        return ("raised", type(e).__name__, message)


@pytest.fixture
def local_shell() -> Any:
    with inprocess_shell() as shell:
        yield shell


@pytest.mark.parametrize("case", list(PARITY))
def test_the_proxy_answers_as_the_shell_in_this_process(
    proxy: ShellProxy, local_shell: Any, case: str
) -> None:
    operation = PARITY[case]
    assert _outcome(operation, proxy) == _outcome(operation, local_shell)


def test_register_magics_registers_a_magics_class_whose_shell_is_the_proxy(
    proxy: ShellProxy,
) -> None:
    @magics_class
    class Doubling(Magics):
        @line_magic
        def double(self, line: str) -> Any:
            return self.shell.user_ns[line] * 2

        @line_cell_magic
        def both(self, line: str, cell: str | None = None) -> Any:
            return (line, cell)

    proxy.register_magics(Doubling)
    proxy.user_ns["n"] = 21
    assert proxy.run_line_magic("double", "n") == 42
    assert proxy.run_cell("%both a").result == ("a", None)
    assert proxy.run_cell("%%both b\nbody").result == ("b", "body\n")


def _kernel_object_watched_by_alive(proxy: ShellProxy) -> RemoteRef:
    """A reference to a new kernel object that only we keep; ``alive()`` there watches it."""
    proxy.run_cell(
        "import weakref\n"
        "class Thing: pass\n"
        "def make():\n"
        "    global alive\n"
        "    thing = Thing()\n"
        "    alive = weakref.ref(thing)\n"
        "    return thing"
    )
    ref = proxy.run_cell("make();").result  # ";": not displayed, so not kept as `_`
    assert isinstance(ref, RemoteRef)
    return ref


def test_a_dropped_remote_ref_lets_the_kernel_free_its_object(proxy: ShellProxy) -> None:
    ref = _kernel_object_watched_by_alive(proxy)
    proxy.run_cell("kept = alive() is not None")
    assert proxy.user_ns["kept"] is True  # the kernel keeps it while we hold the handle
    del ref
    gc.collect()
    proxy.push({})  # the release travels with the next message
    proxy.run_cell("freed = alive() is None")
    assert proxy.user_ns["freed"] is True


def test_references_dropped_before_a_new_threads_first_call_are_released_too(
    proxy: ShellProxy,
) -> None:
    ref = _kernel_object_watched_by_alive(proxy)
    del ref
    gc.collect()
    worker = threading.Thread(target=proxy.push, args=({},))  # a new socket: hello, then push
    worker.start()
    worker.join(30)
    proxy.run_cell("freed = alive() is None")
    assert proxy.user_ns["freed"] is True
