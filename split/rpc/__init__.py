"""The kernel's RPC channel: the server side of the shell proxy (``adapters``).

A kernel feature, so it lives with the kernel; ``adapters`` holds the client.
``codec`` is shared by both sides: signed JSON frames and by-value encoding.
"""

from __future__ import annotations

__all__: list[str] = []
