"""The audit reads the proxy-safe surface from ``legacy_shell/api.py``, never a second list."""

from __future__ import annotations

from pathlib import Path

import pytest

from migration.contract import ContractError, find_api_source, load_contract
from split.rpc.surface import CALLS


def _wire_name(chain: str) -> str:
    head, _, last = chain.rpartition(".")
    if last.startswith("__") and last.endswith("__"):
        last = last.strip("_")
    return f"{head}.{last}" if head else last


def test_it_reads_the_same_contract_the_kernel_serves() -> None:
    contract = load_contract()
    callables = {_wire_name(chain) for chain, member in contract.members.items() if member.callable}
    served = {n for n in CALLS if n != "execution_count.get"}  # a property: read, not called
    assert callables - {"register_magics"} == served
    assert "execution_count" in contract and not contract.members["execution_count"].callable


def test_policies_come_along() -> None:
    contract = load_contract()
    assert contract.members["events.register"].functions
    assert contract.members["display_formatter.formatters.for_type"].types
    assert contract.members["run_cell"].refs


def test_the_source_is_found_without_importing_the_shell() -> None:
    assert find_api_source().name == "api.py"


def test_a_source_without_shellapi_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "api.py"
    bad.write_text("class Other: pass\n")
    with pytest.raises(ContractError, match="defines no ShellAPI"):
        load_contract(bad)
    bad.write_text("def (:\n")
    with pytest.raises(ContractError, match="cannot read the shell API"):
        load_contract(bad)
