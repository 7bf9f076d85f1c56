"""Running shell commands for ``!cmd``, ``x = !cmd`` and ``$var`` expansion.

When ``sys.stdout`` is a real file the child writes to it directly (so
interactive programs work on the terminal); otherwise (captured output, a
kernel's stream) the child's output is read and copied through ``sys.stdout``
so that it ends up where the user sees it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from .slist import SList

__all__ = ["getoutput", "system", "var_expand"]

_DOLLAR = re.compile(r"\$(\$|\{[^}]*\}|[A-Za-z_][\w.]*)")
_BRACES = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")


def _shell() -> str:
    return "/bin/sh"


def var_expand(text: str, namespace: Mapping[str, Any]) -> str:
    """Expand ``$name``, ``${expr}`` and ``{expr}`` from ``namespace``; ``$$`` is a ``$``.

    Anything that fails to evaluate is left exactly as written, as in IPython.
    """

    def evaluate(expr: str, original: str) -> str:
        try:
            return str(eval(expr, {}, dict(namespace)))
        except Exception:
            return original

    def dollar(m: re.Match[str]) -> str:
        body = m.group(1)
        if body == "$":
            return "$"
        if body.startswith("{"):
            return evaluate(body[1:-1], m.group(0))
        return evaluate(body, m.group(0))

    text = _BRACES.sub(lambda m: evaluate(m.group(1), m.group(0)), text)
    return _DOLLAR.sub(dollar, text)


def _has_fileno(stream: Any) -> bool:
    try:
        stream.flush()
        stream.fileno()
        return True
    except (AttributeError, OSError, ValueError):
        return False


def system(cmd: str) -> int:
    """Run ``cmd`` in ``/bin/sh``; output reaches ``sys.stdout``/``sys.stderr``; returns the status."""
    import subprocess

    if _has_fileno(sys.stdout) and _has_fileno(sys.stderr):
        proc = subprocess.Popen(
            cmd,
            shell=True,
            executable=_shell(),
            stdout=sys.stdout.fileno(),
            stderr=sys.stderr.fileno(),
        )
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait()
            raise
    proc = subprocess.Popen(
        cmd,
        shell=True,
        executable=_shell(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    try:
        for raw in iter(proc.stdout.readline, b""):
            sys.stdout.write(raw.decode(errors="replace"))
            sys.stdout.flush()
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        raise
    finally:
        proc.stdout.close()


def getoutput(cmd: str, split: bool = True) -> SList | str:
    """The output (stdout and stderr together) of ``cmd`` as an ``SList`` of lines."""
    import subprocess

    env = dict(os.environ)
    done = subprocess.run(
        cmd,
        shell=True,
        executable=_shell(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    text = done.stdout.decode(errors="replace")
    if not split:
        return text
    return SList(text.splitlines())
