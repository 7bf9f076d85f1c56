"""The fields this project adds to Jupyter messages, named once for both ends.

Everything stays within the protocol's room for extras (message metadata,
extra content fields, payloads of our own source), so other clients and
kernels ignore them:

- ``execute_request`` metadata ``{"legacy_shell": {"terminal": [...]}}``: the
  terminal that sent the cell lends the kernel its editor and clipboard;
- ``input_request`` content ``legacy_shell``: such a request to the terminal
  (answered as JSON in the reply's ``value``); an ``input_reply`` value of
  ``"\x04"`` or ``"\x03"`` is Ctrl-D or Ctrl-C at the terminal's prompt;
- an ``execute_reply`` payload of source :data:`TERMINAL_CONFIG_PAYLOAD`:
  settings the terminal applies itself (prompts...) changed during the cell.
"""

from __future__ import annotations

__all__ = ["TERMINAL_CONFIG_PAYLOAD", "TERMINAL_KEYS"]

#: Payload source of terminal settings changed in a cell (``%config prompts.in``...).
TERMINAL_CONFIG_PAYLOAD = "legacy_shell.terminal_config"
#: The configuration keys the terminal uses itself (prefixes).
TERMINAL_KEYS = ("prompts.", "terminal.confirm_exit", "terminal.autoindent")
