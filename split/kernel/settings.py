"""Settings a kernel's shell gets from whoever starts it, before anything runs.

``ipython --two-process --config KEY=VALUE`` (and the terminal's "no colours,
output is not a terminal") must hold in the kernel from its very start: the
user's start-up files run before the first prompt, and their tracebacks
follow ``shell.colors`` too. The starter puts the assignments in the kernel's
environment (:func:`config_environment`); the kernel applies them after the
user's config file (:func:`apply_environment`). Light on purpose: the
frontend imports it while the kernel starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["VARIABLE", "apply_environment", "config_environment"]

#: The environment variable: a JSON list of ``"KEY=VALUE"`` strings.
VARIABLE = "LEGACY_SHELL_KERNEL_CONFIG"


def config_environment(assignments: list[str]) -> dict[str, str]:
    """The environment entries that carry ``assignments`` to a kernel (none when empty)."""
    return {VARIABLE: json.dumps(list(assignments))} if assignments else {}


def apply_environment(
    config: Any, warn: Callable[[str], None], environ: Mapping[str, str] = os.environ
) -> None:
    """Apply the assignments found in the environment to ``config``; a bad one is a warning."""
    raw = environ.get(VARIABLE)
    if not raw:
        return
    try:
        assignments = json.loads(raw)
    except ValueError:
        warn(f"{VARIABLE} is not a JSON list; ignored")
        return
    if not isinstance(assignments, list):
        warn(f"{VARIABLE} is not a JSON list; ignored")
        return
    for text in assignments:
        try:
            config.apply_assignment(str(text))
        except Exception as e:  # ConfigError: the frontend checked them already
            warn(f"{VARIABLE}: {text!r} not applied: {e}")
