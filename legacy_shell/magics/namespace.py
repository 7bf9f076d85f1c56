"""Magics that look at and clean the user namespace: ``%who``, ``%whos``, ``%reset``...

They show what the *user* defined: names the shell put in the namespace itself
(``In``, ``Out``, ``get_ipython``..., recorded in ``shell.user_ns_hidden``) and
names starting with ``_`` are left out, as in IPython, so that ``%who`` answers
"what did I create?". Output formats follow IPython's, which users read and
sometimes parse.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["NamespaceMagics", "ask_yes_no"]

_ANSWERS = {"y": True, "yes": True, "n": False, "no": False}
_SEQUENCE_TYPES = ("dict", "list", "tuple")


def ask_yes_no(prompt: str, default: str | None = None) -> bool:
    """Ask a y/n question through ``input()``; an empty answer or EOF gives ``default``.

    The question repeats until the answer is one of y/yes/n/no, so a typo
    never deletes anything by accident.
    """
    while True:
        try:
            answer = input(prompt + " ").strip().lower()
        except EOFError:
            if default in _ANSWERS:
                print()
                return _ANSWERS[default]
            raise
        if not answer and default is not None:
            answer = default
        if answer in _ANSWERS:
            return _ANSWERS[answer]


def _short_str(value: Any) -> str:
    """``str(value)`` on one line, its middle cut when long (the Data/Info column)."""
    try:
        text = str(value)
    except Exception:
        text = f"<object with id {id(value)} (str() failed)>"
    text = text.replace("\n", "\\n")
    return text if len(text) < 50 else text[:25] + "<...>" + text[-25:]


def _data_info(value: Any, type_name: str) -> str:
    if type_name in _SEQUENCE_TYPES:
        return f"n={len(value)}"
    if type_name == "ndarray" and "numpy" in sys.modules:
        shape = str(value.shape).replace(",", "").replace(" ", "x")[1:-1]
        nbytes = value.size * value.itemsize
        text = f"{shape}: {value.size} elems, type `{value.dtype}`, {nbytes} bytes"
        if nbytes >= 100000:
            text += f" ({nbytes / 1024} kb)" if nbytes < 1048576 else f" ({nbytes / 1048576} Mb)"
        return text
    if type_name in ("DataFrame", "Series"):
        return f"Shape: {value.shape}"
    return _short_str(value)


@magics_class
class NamespaceMagics(Magics):
    """``%who``, ``%who_ls``, ``%whos``, ``%reset``, ``%reset_selective``, ``%xdel``."""

    def _user_names(self) -> list[str]:
        """Names the user defined (a hidden name rebound by the user counts as the user's)."""
        ns = self.shell.user_ns
        hidden = self.shell.user_ns_hidden
        missing = object()
        return [
            name
            for name in ns
            if not name.startswith("_") and ns[name] is not hidden.get(name, missing)
        ]

    @line_magic
    def who_ls(self, parameter_s: str = "") -> list[str]:
        """Return a sorted list of the interactive variables (optionally only of some types).

        ``%who_ls int str`` lists only ints and strings.
        """
        names = self._user_names()
        types = set(parameter_s.split())
        if types:
            names = [n for n in names if type(self.shell.user_ns[n]).__name__ in types]
        return sorted(names)

    def _names_or_say_why(self, parameter_s: str) -> list[str]:
        names = self.who_ls(parameter_s)
        if not names:
            if parameter_s.strip():
                print("No variables match your requested type.")
            else:
                print("Interactive namespace is empty.")
        return names

    @line_magic
    def who(self, parameter_s: str = "") -> None:
        """Print the interactive variables, optionally only those of the given types.

        ``%who function str`` lists only functions and strings. Names the shell
        defines and names starting with ``_`` are not shown.
        """
        names = self._names_or_say_why(parameter_s)
        if not names:
            return
        for count, name in enumerate(names, 1):
            print(name + "\t", end=" ")
            if count % 9 == 0:
                print()
        print()

    @line_magic
    def whos(self, parameter_s: str = "") -> None:
        """Like ``%who``, with each variable's type and a summary of its value.

        Containers show their length, numpy arrays their shape and size,
        data frames their shape, anything else a (shortened) ``str()``.
        """
        names = self._names_or_say_why(parameter_s)
        if not names:
            return
        values = [self.shell.user_ns[n] for n in names]
        types = [type(v).__name__ for v in values]
        varwidth = max(max(map(len, names)), len("Variable")) + 3
        typewidth = max(max(map(len, types)), len("Type")) + 3
        print("Variable".ljust(varwidth) + "Type".ljust(typewidth) + " Data/Info")
        print("-" * (varwidth + typewidth + len("Data/Info") + 1))
        for name, value, type_name in zip(names, values, types):
            head = name.ljust(varwidth) + type_name.ljust(typewidth)
            print(head, _data_info(value, type_name))

    @line_magic
    def reset(self, parameter_s: str = "") -> None:
        """Remove the names the user defined (asks first unless ``-f``).

        ``%reset [-f] [-s] [--aggressive] [in] [out] [dhist] [array]``: ``-s`` is a
        soft reset (only the variables; history kept); with targets only those
        are flushed: ``in`` the input history, ``out`` the output cache,
        ``dhist`` the directory history, ``array`` the numpy arrays.
        """
        opts, args = self.parse_options(parameter_s, "sf", "aggressive", mode="list")
        if "f" not in opts and not ask_yes_no(
            "Once deleted, variables cannot be recovered. Proceed (y/[n])?", default="n"
        ):
            print("Nothing done.")
            return
        ns = self.shell.user_ns
        if "s" in opts:
            for name in self.who_ls():
                del ns[name]
        elif not args:
            self.shell.reset(new_session=False, aggressive="aggressive" in opts)
        for target in args:
            target = target.lower()
            if target == "out":
                self._flush_out()
            elif target == "in":
                self._flush_in()
            elif target == "array":
                self._flush_arrays()
            elif target == "dhist":
                print("Flushing directory history")
                del ns.get("_dh", [])[:]
            else:
                print(f"Don't know how to reset  {target}, please run `%reset?` for details")
        import gc

        gc.collect()

    def _flush_out(self) -> None:
        ns = self.shell.user_ns
        out = ns.get("_oh", ns.get("Out", {}))
        print(f"Flushing output cache ({len(out)} entries)")
        flush = getattr(getattr(self.shell, "displayhook", None), "flush", None)
        if callable(flush):
            flush()
            return
        for key in [k for k in ns if re.fullmatch(r"_\d+", k)]:
            del ns[key]
        out.clear()
        ns.update({"_": "", "__": "", "___": ""})

    def _flush_in(self) -> None:
        print("Flushing input history")
        ns = self.shell.user_ns
        for key in [k for k in ns if re.fullmatch(r"_i\d+", k)]:
            del ns[key]
        ns.update({"_i": "", "_ii": "", "_iii": ""})
        inputs = ns.get("_ih", ns.get("In"))
        if isinstance(inputs, list):
            # keep the length: In[n] must still line up with execution counts
            inputs[:] = [""] * len(inputs)

    def _flush_arrays(self) -> None:
        try:
            from numpy import ndarray
        except ImportError:
            print("reset array only works if Numpy is available.")
            return
        ns = self.shell.user_ns
        for name in [n for n, v in ns.items() if isinstance(v, ndarray)]:
            del ns[name]

    @line_magic
    def reset_selective(self, parameter_s: str = "") -> None:
        """Remove the user's names that match a regular expression.

        ``%reset_selective [-f] regex``: ``-f`` does not ask for confirmation.
        """
        opts, regex = self.parse_options(parameter_s, "f")
        if "f" not in opts and not ask_yes_no(
            "Once deleted, variables cannot be recovered. Proceed (y/[n])? ", default="n"
        ):
            print("Nothing done.")
            return
        if not regex:
            print("No regex pattern specified. Nothing done.")
            return
        try:
            pattern = re.compile(regex)
        except re.error as e:
            raise UsageError(f"invalid regular expression {regex!r}: {e}") from None
        ns = self.shell.user_ns
        for name in self.who_ls():
            if pattern.search(name):
                del ns[name]

    @line_magic
    def xdel(self, parameter_s: str = "") -> None:
        """Delete a variable and the shell's other references to the same object.

        ``%xdel [-n] name``: by default every name in the namespace bound to that
        object (``_``, ``_12``, other aliases) and its entries in ``Out`` go too,
        so that the object can really be freed; ``-n`` deletes just the name.
        """
        opts, name = self.parse_options(parameter_s, "n")
        name = name.strip()
        try:
            self._del_var(name, by_name="n" in opts)
        except (NameError, ValueError) as e:
            print(f"{type(e).__name__}: {e}")

    def _del_var(self, name: str, by_name: bool) -> None:
        if name in ("__builtin__", "__builtins__"):
            raise ValueError(f"Refusing to delete {name}")
        ns = self.shell.user_ns
        if by_name:
            ns.pop(name, None)
            return
        if name not in ns:
            raise NameError(f"name '{name}' is not defined")
        obj = ns[name]
        for other in [n for n, v in ns.items() if v is obj]:
            del ns[other]
        out = ns.get("_oh", ns.get("Out"))
        if isinstance(out, dict):
            for key in [k for k, v in out.items() if v is obj]:
                del out[key]
