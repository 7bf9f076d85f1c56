"""Tab completion: each kind of context, the ordering, and the jedi time budget."""

from __future__ import annotations

import os
import threading
import time
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from legacy_shell.completion import Completer, Completion
from legacy_shell.config import ShellConfig


def make_completer(jedi: bool = False, timeout: float = 0.4, **namespace: Any) -> Completer:
    """A completer over a stand-in shell: the three things a Completer reads."""
    magics = {
        "line": dict.fromkeys(
            ["time", "timeit", "cd", "run", "load_ext", "reload_ext", "config", "pwd"]
        ),
        "cell": dict.fromkeys(["time", "timeit", "bash"]),
    }
    config = ShellConfig({"completion.jedi": jedi, "completion.timeout": timeout})
    shell = types.SimpleNamespace(
        user_ns=dict(namespace), magics_manager=types.SimpleNamespace(magics=magics), config=config
    )
    return Completer(shell)


def texts(completer: Completer, code: str, cursor: int | None = None) -> list[str]:
    return [c.text for c in completer.completions(code, len(code) if cursor is None else cursor)]


# -- names ---------------------------------------------------------------------------------


def test_bare_names_come_from_the_namespace_builtins_and_keywords() -> None:
    c = make_completer(print_me=1, prism=2)
    found = c.completions("pri", 3)
    assert [x.text for x in found] == ["print_me", "prism", "print"]
    assert found[0] == Completion(0, 3, "print_me", "instance")
    assert found[2].type == "function" and found[2].signature.startswith("print(")
    assert [x.type for x in c.completions("whi", 3)] == ["keyword"]


def test_private_names_only_when_the_prefix_starts_with_underscore() -> None:
    c = make_completer(_hidden=1, visible=2)
    assert "_hidden" not in texts(c, "")
    assert "visible" in texts(c, "")
    assert texts(c, "_hi") == ["_hidden"]


def test_bare_magic_names_follow_names_when_automagic_is_on() -> None:
    c = make_completer(timer=1)
    assert texts(c, "tim") == ["timer", "%time", "%timeit"]
    c.shell.config.set("shell.automagic", False)
    assert texts(c, "tim") == ["timer"]


def test_names_inside_an_expression() -> None:
    c = make_completer(value=1)
    found = c.completions("print(val", 9)
    assert found[0] == Completion(6, 9, "value", "instance")


def test_nothing_is_offered_after_a_number_or_a_closing_bracket() -> None:
    c = make_completer(value=1)
    assert texts(c, "x = 12") == []
    assert texts(c, "f(x)") == []


# -- attributes ----------------------------------------------------------------------------


def test_attributes_of_a_module() -> None:
    c = make_completer(os=os)
    found = c.completions("os.path.jo", 10)
    assert found == [Completion(8, 10, "join", "function", "join(a, *p)")]
    assert "path" in texts(c, "os.pa")


def test_attributes_respect_dir_and_skip_private_names() -> None:
    class Custom:
        def __dir__(self) -> list[str]:
            return ["alpha", "beta", "_secret"]

    c = make_completer(obj=Custom())
    assert texts(c, "obj.") == ["alpha", "beta"]
    assert texts(c, "obj._") == ["_secret"]


def test_attribute_completion_never_runs_properties_or_calls() -> None:
    ran: list[str] = []

    class Trap:
        value = 1

        @property
        def prop(self) -> int:
            ran.append("property")
            return 1

        def method(self) -> str:
            ran.append("call")
            return "x"

    c = make_completer(t=Trap())
    found = {x.text: x.type for x in c.completions("t.", 2)}
    assert found == {"method": "function", "prop": "property", "value": "instance"}
    assert texts(c, "t.prop.") == []
    assert texts(c, "t.method().") == []
    assert ran == []


def test_attributes_of_a_string_literal_without_jedi() -> None:
    c = make_completer()
    assert texts(c, '"abc".upp') == ["upper"]


# -- dict keys -----------------------------------------------------------------------------


def test_dict_keys_are_offered_quoted_after_an_open_bracket() -> None:
    c = make_completer(d={"alpha": 1, "beta": 2, 3: 4})
    assert texts(c, "d[") == ["'alpha']", "'beta']", "3]"]


def test_dict_keys_inside_a_started_string_keep_its_quote() -> None:
    c = make_completer(d={"alpha": 1, 'say "hi"': 2, "beta": 3})
    assert c.completions('d["a', 4) == [Completion(3, 4, 'alpha"]', "dict key")]
    assert texts(c, 'd["s') == ['say \\"hi\\""]']
    assert texts(c, "d['b") == ["beta']"]


def test_dict_key_completion_replaces_an_existing_closing_quote_and_bracket() -> None:
    c = make_completer(d={"alpha": 1})
    code = "d['a']"
    assert c.completions(code, 4) == [Completion(3, 6, "alpha']", "dict key")]


def test_an_index_that_is_not_a_mapping_completes_names() -> None:
    c = make_completer(items=[1, 2], index=0, d={"k": 1}, bad=3)
    assert "index" in texts(c, "items[")
    assert texts(c, "d[ba") == ["bad"]


def test_keys_of_user_mappings_are_not_listed_by_running_their_code() -> None:
    class Lazy(Mapping[str, int]):
        def __getitem__(self, key: str) -> int:
            raise AssertionError("ran user code")

        def __iter__(self) -> Any:
            raise AssertionError("ran user code")

        def __len__(self) -> int:
            return 0

    c = make_completer(m=Lazy())
    assert texts(c, "m['") == []


# -- paths ---------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "script.py").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / ".hidden").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_paths_inside_strings(tree: Path) -> None:
    c = make_completer()
    assert c.completions("open('./sr", 10) == [Completion(6, 10, "./src/", "path")]
    assert texts(c, "open('") == ["notes.txt", "script.py", "src/"]
    assert texts(c, "open('.h") == [".hidden"]


def test_paths_expand_the_home_directory_but_keep_the_tilde(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tree))
    c = make_completer()
    assert texts(c, "open('~/no") == ["~/notes.txt"]


def test_paths_after_a_shell_escape(tree: Path) -> None:
    assert texts(make_completer(), "!cat no") == ["notes.txt"]


# -- magics --------------------------------------------------------------------------------


def test_magic_names_after_percent_signs() -> None:
    c = make_completer()
    assert texts(c, "%ti") == ["%time", "%timeit", "%%time", "%%timeit"]
    assert texts(c, "%%ti") == ["%%time", "%%timeit"]
    assert c.completions("%ti", 3)[0] == Completion(0, 3, "%time", "magic")


def test_cd_completes_directories_only(tree: Path) -> None:
    assert texts(make_completer(), "%cd ") == ["src/"]
    assert texts(make_completer(), "cd s") == ["src/"]


def test_run_completes_scripts_and_directories(tree: Path) -> None:
    assert texts(make_completer(), "%run ") == ["script.py", "src/"]


def test_extension_magics_complete_module_names() -> None:
    c = make_completer()
    assert "json" in texts(c, "%load_ext js")
    assert "json.decoder" in texts(c, "%reload_ext json.d")


def test_config_completes_config_keys() -> None:
    assert texts(make_completer(), "%config completion.t") == ["completion.timeout"]


def test_arguments_of_other_magics_are_completed_as_python() -> None:
    assert texts(make_completer(os=os), "%timeit os.path.jo") == ["join"]


# -- imports -------------------------------------------------------------------------------


def test_import_completes_top_level_modules() -> None:
    c = make_completer()
    assert "json" in texts(c, "import js")
    assert "collections" in texts(c, "from coll")
    assert c.completions("import js", 9)[0].type == "module"


def test_import_completes_submodules() -> None:
    c = make_completer()
    assert "os.path" in texts(c, "import os.pa")
    assert "json.decoder" in texts(c, "from json.dec")


def test_from_import_completes_submodules_and_attributes() -> None:
    c = make_completer()
    found = {x.text: x.type for x in c.completions("from json import d", 18)}
    assert found["dumps"] == "function"
    assert found["decoder"] == "module"


# -- ordering and the IPython-style API ----------------------------------------------------


def test_results_are_deduplicated_and_private_names_sorted_last() -> None:
    c = make_completer(_a=1, __b=2, _c=3)
    assert texts(c, "_")[:3] == ["_a", "_c", "__b"]


def test_complete_returns_matched_text_and_whole_tokens() -> None:
    c = make_completer(os=os)
    text, matches = c.complete("os.pa")
    assert text == "os.pa"
    assert "os.path" in matches and "os.pathsep" in matches
    assert c.complete(line="x = os.path.jo", cursor_pos=14) == ("os.path.jo", ["os.path.join"])


# -- jedi and its time budget --------------------------------------------------------------


def test_jedi_adds_type_aware_results() -> None:
    c = make_completer(jedi=True, timeout=30.0)
    found = c.completions('"abc".upper().low', 17)
    assert Completion(14, 17, "lower", "function") in found


def test_jedi_results_for_names_bound_earlier_in_the_same_cell() -> None:
    c = make_completer(jedi=True, timeout=30.0)
    code = "numbers = [1, 2]\nnumbers.app"
    assert "append" in texts(c, code)


class BlockedSource:
    """A type-aware source that never answers until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, code: str, cursor: int, namespace: Mapping[str, Any]) -> list[Completion]:
        self.calls += 1
        self.release.wait()
        return [Completion(cursor, cursor, "late", "instance")]


def test_a_slow_jedi_does_not_delay_the_answer_beyond_the_budget() -> None:
    budget = 0.5
    c = make_completer(jedi=True, timeout=budget, value=1)
    slow = BlockedSource()
    c.jedi_source = slow
    try:
        started = time.monotonic()
        found = texts(c, "nothing_in_the_namespace_")
        elapsed = time.monotonic() - started
        assert found == []
        assert elapsed < budget + 0.5
        # while it is still stuck, the next request does not wait on it again
        started = time.monotonic()
        assert texts(c, "nothing_in_the_namespace_") == []
        assert time.monotonic() - started < budget * 0.8
        assert slow.calls == 1
    finally:
        slow.release.set()


def test_jedi_is_not_consulted_when_the_namespace_answers() -> None:
    c = make_completer(jedi=True, timeout=5.0, value=1)
    slow = BlockedSource()
    c.jedi_source = slow
    try:
        assert texts(c, "val") == ["value"]
        assert slow.calls == 0
    finally:
        slow.release.set()


def test_jedi_can_be_turned_off() -> None:
    c = make_completer(jedi=False, value=1)
    slow = BlockedSource()
    c.jedi_source = slow
    assert texts(c, "val") == ["value"]
    assert slow.calls == 0


# -- through the shell ---------------------------------------------------------------------


def test_shell_complete_sees_variables_defined_in_cells(shell: Any) -> None:
    shell.run_cell("my_unique_variable = {'key': 1}")
    assert shell.complete("my_uniq")[1] == ["my_unique_variable"]
    assert shell.complete("", "my_unique_variable['k") == ("k", ["key']"])


def test_shell_complete_offers_registered_magics(shell: Any) -> None:
    _, matches = shell.complete("%pinf")
    assert "%pinfo" in matches and "%pinfo2" in matches


def test_magic_arguments_offer_their_choices_and_bundled_extensions(shell) -> None:
    _, matches = shell.complete("", "%xmode V", 8)
    assert "Verbose" in matches
    _, matches = shell.complete("", "%load_ext autore", 16)
    assert "autoreload" in matches
