"""One error tree per package: every exception class of ``split`` is a ``SplitError``, etc.

Callers catch one class per package; where they expect a builtin, the class
derives from both. A dead kernel is one class in ``split`` and ``adapters``.
The RPC channel's refusals are their own types, and cross as the builtin they
derive from, without a traceback.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import adapters
import split
from adapters.errors import ProxyError
from split.errors import SplitError
from split.rpc.exceptions import (
    Refused,
    RefusedName,
    RefusedPermission,
    RefusedValue,
    exception_body,
)

#: Modules that start threads or processes when imported are not among these.
_SKIP = {"split.kernel.__main__", "legacy_shell.__main__"}


def _exception_classes(package: object) -> list[type[BaseException]]:
    found = []
    path = package.__path__  # type: ignore[attr-defined]
    for info in pkgutil.walk_packages(path, package.__name__ + "."):  # type: ignore[attr-defined]
        if info.name in _SKIP:
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == info.name:
                found.append(value)
    return found


def test_every_exception_class_of_split_is_a_split_error() -> None:
    classes = _exception_classes(split)
    assert len(classes) > 20
    outside = [f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, SplitError)]
    assert outside == []


def test_every_exception_class_of_adapters_is_a_proxy_error() -> None:
    classes = _exception_classes(adapters)
    outside = [f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, ProxyError)]
    assert outside == []


def test_every_exception_class_of_legacy_shell_is_a_shell_error() -> None:
    import legacy_shell
    from legacy_shell.errors import ShellError

    outside = {
        f"{c.__module__}.{c.__qualname__}"
        for c in _exception_classes(legacy_shell)
        if not issubclass(c, ShellError)
    }
    # a warning category, and a Ctrl-C that must stay out of ``except Exception``
    assert outside == {
        "legacy_shell.formatter_base.FormatterWarning",
        "legacy_shell.magics.script.ProcessInterrupted",
    }


def test_a_dead_kernel_is_one_class() -> None:
    import split.errors

    assert adapters.KernelDied is split.errors.KernelDied


def test_timeouts_are_also_the_builtin() -> None:
    from adapters.errors import CallTimeout
    from split.errors import ClientTimeout

    assert issubclass(CallTimeout, TimeoutError) and issubclass(ClientTimeout, TimeoutError)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (RefusedName("'x' is not a member"), "AttributeError"),
        (RefusedValue("a socket cannot be sent"), "TypeError"),
        (RefusedPermission("only test kernels"), "PermissionError"),
    ],
)
def test_a_refusal_crosses_as_its_builtin_without_a_traceback(error: Refused, builtin: str) -> None:
    try:
        raise error
    except Refused as caught:
        body = exception_body(caught)
    assert (body["module"], body["type"]) == ("builtins", builtin)
    assert body["traceback"] == ""
    assert body["message"] == str(error)


def test_an_error_of_the_shell_crosses_with_its_traceback() -> None:
    try:
        raise KeyError("k")
    except KeyError as caught:
        body = exception_body(caught)
    assert (body["module"], body["type"]) == ("builtins", "KeyError")
    assert "Traceback" in body["traceback"]
