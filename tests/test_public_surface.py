"""The public surface is deliberate: pinned names, ShellAPI conformance, package ownership."""

from __future__ import annotations

import inspect
import sys
import typing

import pytest

import legacy_shell
from legacy_shell.api import ShellAPI
from legacy_shell.ownership import ForeignPackageError, require_own

EXPECTED_EXPORTS = {
    "__version__", "get_ipython", "InteractiveShell", "ShellAPI", "ExecutionInfo", "ExecutionResult",
    "ShellConfig", "ShellPaths", "UsageError", "Magics", "magics_class", "line_magic", "cell_magic",
    "line_cell_magic", "register_line_magic", "register_cell_magic", "register_line_cell_magic",
    "needs_local_scope", "no_var_expand", "display", "clear_output", "update_display",
    "DisplayHandle", "HTML", "Markdown", "Image", "JSON", "Latex", "SVG", "Javascript", "Pretty",
}  # fmt: skip


def test_exports_are_pinned_and_importable() -> None:
    assert set(legacy_shell.__all__) == EXPECTED_EXPORTS
    for name in legacy_shell.__all__:
        assert getattr(legacy_shell, name) is not None


def test_display_names_also_come_from_legacy_shell_display() -> None:
    from legacy_shell import display
    from legacy_shell.display import HTML

    assert callable(display)
    assert display.HTML is HTML is legacy_shell.HTML


def _members(proto: type) -> set[str]:
    return {n for n in dir(proto) if not n.startswith("_")} | set(
        typing.get_type_hints(proto).keys()
    )


def test_the_shell_provides_every_shellapi_member_with_the_same_signature(shell) -> None:
    assert isinstance(shell, ShellAPI)
    for name in _members(ShellAPI):
        assert hasattr(shell, name), name
        proto_attr = inspect.getattr_static(ShellAPI, name, None)
        if inspect.isfunction(proto_attr):
            ours = inspect.signature(getattr(type(shell), name))
            theirs = inspect.signature(proto_attr)
            assert list(ours.parameters)[: len(theirs.parameters)] == list(theirs.parameters), name


def test_a_foreign_package_of_our_name_is_a_clear_error(tmp_path, monkeypatch) -> None:
    fake = tmp_path / "adapters_shadow_probe"
    fake.mkdir()
    (fake / "__init__.py").write_text("NAME = 'somebody else'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ForeignPackageError, match="shadows ours"):
        require_own("adapters_shadow_probe")
    sys.modules.pop("adapters_shadow_probe", None)
    assert require_own("legacy_shell") is legacy_shell


#: The public modules of ``split`` and ``adapters`` and what each exports, on purpose.
PINNED_MODULES = {
    "split": {"__version__"},
    "split.errors": {
        "ClientTimeout", "KernelDied", "KernelNotRunning", "KernelStartError", "SplitError",
        "WaitStopped",
    },
    "split.client": {"DeathWatch", "KernelClient", "OutputHook"},
    "split.manager": {"KernelManager", "default_kernel_argv"},
    "split.connection": {
        "CHANNELS", "ConnectionFileError", "ConnectionInfo", "newest_connection_file",
        "read_connection_file", "resolve_connection_file", "runtime_dir", "write_connection_file",
    },
    "split.wire": {
        "BadSignature", "DELIMITER", "MalformedMessage", "Message", "PROTOCOL_VERSION",
        "ProtocolError", "ReplayGuard", "ReplayedMessage", "deserialize", "new_header",
        "serialize", "sign",
    },
    "split.kernelspec": {
        "DEFAULT_NAME", "KernelspecError", "install_kernelspec", "kernel_json", "kernelspec_dir",
        "user_kernels_dir",
    },
    "split.launcher": {"main", "run_standalone_kernel", "split_mode_flags"},
    "split.frontend": {
        "FRONTEND_MAGICS", "AttachedKernel", "CrashPolicy", "KernelBackend", "KernelHandle",
        "OwnKernel",
    },
    "split.rpc.surface": {"CALLS", "Call", "calls_of", "describe"},
    "split.rpc.exceptions": {
        "Refused", "RefusedName", "RefusedPermission", "RefusedValue", "exception_body",
        "local_exception_class", "rebuild_exception",
    },
    "adapters": {
        "MODES", "MODE_VARIABLE", "CallTimeout", "KernelDied", "ProxyError", "RemoteError",
        "RemoteRef", "ShellProxy", "connect", "get_shell", "resolve_mode",
    },
    "migration": set(),
    "migration.contract": {"Contract", "ContractError", "Member", "find_api_source", "load_contract"},
    "migration.audit": {"LEGACY_RULES", "Site", "audit_module"},
    "migration.rules": {"RULES", "Note", "ShellRule", "rule_named"},
    "migration.cli": {"main"},
    "adapters.errors": {
        "CallTimeout", "KernelDied", "ProxyError", "RemoteError", "RemoteException",
        "remote_exception",
    },
}  # fmt: skip


@pytest.mark.parametrize("module_name", sorted(PINNED_MODULES))
def test_split_and_adapters_export_what_is_pinned(module_name: str) -> None:
    import importlib

    module = importlib.import_module(module_name)
    assert set(module.__all__) == PINNED_MODULES[module_name]
    for name in module.__all__:
        assert getattr(module, name) is not None, name
