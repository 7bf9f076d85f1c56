"""The kernel side of the split: core, interpreter, output streams, and the app that runs them.

Nothing is imported here, so ``python -m split.kernel`` pays only for what it uses:
``split.kernel.core.KernelCore`` (the dispatch and ordering rules),
``split.kernel.interpreter.Interpreter`` (requests over a ``legacy_shell`` shell),
``split.kernel.app.main`` (the process).
"""

__all__: list[str] = []
