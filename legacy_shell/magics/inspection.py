"""Introspection magics: ``%pinfo`` (what ``obj?`` runs), ``%pinfo2`` (``obj??``),
``%pdoc``, ``%pdef``, ``%psource``, ``%pfile`` and ``%psearch``.

They are thin: finding and describing objects is the shell's ``Inspector``;
these only pick the fields and send the text to the pager (``shell.page``), so a
kernel turns them into a ``page`` payload. Messages follow IPython's wording.
"""

from __future__ import annotations

import builtins
import re
import types
from typing import Any

from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["InspectionMagics", "search_names"]


def _not_found(oname: str) -> None:
    print(f"Object `{oname}` not found.")


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.splitlines())


def _type_table() -> dict[str, type]:
    """psearch's type names: ``types.FunctionType`` is ``function``, plus builtin classes."""
    table = {n[:-4].lower(): t for n, t in vars(types).items() if n.endswith("Type")}
    for name, value in vars(builtins).items():
        if isinstance(value, type) and not issubclass(value, BaseException):
            table.setdefault(name, value)
    return table


def search_names(
    namespaces: list[dict[str, Any]],
    pattern: str,
    type_name: str = "all",
    ignore_case: bool = False,
    show_all: bool = False,
) -> list[str]:
    """Dotted names matching a wildcard pattern (``a*``, ``os.*pa*``), as ``%psearch``."""
    table = _type_table()
    if type_name != "all" and type_name not in table:
        return []
    wanted = table.get(type_name)
    parts = pattern.split(".")
    flags = re.IGNORECASE if ignore_case else 0
    regexes = [
        re.compile(re.escape(p).replace(r"\*", ".*").replace(r"\?", ".") + "$", flags)
        for p in parts
    ]

    def visible(name: str) -> bool:
        return show_all or name.startswith("__") or not name.startswith("_")

    def walk(items: dict[str, Any], depth: int, prefix: str) -> list[str]:
        found = []
        for name, value in items.items():
            if not isinstance(name, str) or not regexes[depth].match(name) or not visible(name):
                continue
            if depth == len(regexes) - 1:
                if wanted is None or isinstance(value, wanted):
                    found.append(prefix + name)
                continue
            attrs = {}
            for attr in dir(value):
                try:
                    attrs[attr] = getattr(value, attr)
                except Exception:
                    continue
            found += walk(attrs, depth + 1, f"{prefix}{name}.")
        return found

    results: set[str] = set()
    seen: set[int] = set()
    for ns in namespaces:
        if id(ns) not in seen:
            seen.add(id(ns))
            results.update(walk(ns, 0, ""))
    return sorted(results)


@magics_class
class InspectionMagics(Magics):
    """Magics that describe objects and search namespaces."""

    def _inspector(self) -> Any:
        return self.shell.inspector

    @line_magic
    def pinfo(self, line: str = "") -> None:
        """Provide detailed information about an object.

        '%pinfo object' is just a synonym for object? or ?object."""
        m = re.match(r"(pinfo )?(\?*)(.*?)(\??$)", line.strip())
        assert m is not None
        pinfo, q1, oname, q2 = m.groups()
        detail = 1 if (pinfo or q1 or q2) else 0
        if "*" in oname:
            self.psearch(oname)
            return
        self._page_info(oname, detail)

    @line_magic
    def pinfo2(self, line: str = "") -> None:
        """Provide extra detailed information about an object.

        '%pinfo2 object' is just a synonym for object?? or ??object."""
        self._page_info(line.strip(), 1)

    def _page_info(self, oname: str, detail: int) -> None:
        text = self._inspector().text(oname, detail)
        if text is None:
            _not_found(oname)
        else:
            self.shell.page(text)

    @line_magic
    def pdef(self, line: str = "") -> None:
        """Print the call signature for any callable object.

        If the object is a class, print the constructor information."""
        oname = line.strip()
        info = self._inspector().info(oname)
        if info is None:
            _not_found(oname)
        elif info["isclass"] and info["init_definition"]:
            self.shell.page("Class constructor information:\n " + info["init_definition"])
        elif info["definition"]:
            self.shell.page(" " + info["definition"])
        else:
            print("No definition header found for " + oname)

    @line_magic
    def pdoc(self, line: str = "") -> None:
        """Print the docstring for an object.

        If the given object is a class, it will print both the class and the
        constructor docstrings."""
        oname = line.strip()
        info = self._inspector().info(oname)
        if info is None:
            _not_found(oname)
            return
        doc = info["docstring"]
        sections = []
        if doc and doc != "<no docstring>":
            sections.append(("Class docstring" if info["isclass"] else "Docstring", doc))
        if info["init_docstring"] and info["isclass"]:
            sections.append(("Init docstring", info["init_docstring"]))
        if info["call_docstring"]:
            sections.append(("Call docstring", info["call_docstring"]))
        if not sections:
            print("No documentation found for " + oname)
            return
        self.shell.page("\n".join(f"{title}:\n{_indent(text)}" for title, text in sections))

    @line_magic
    def psource(self, line: str = "") -> None:
        """Print (or run through pager) the source code for an object."""
        oname = line.strip()
        if not oname:
            raise UsageError("Missing object name.")
        info = self._inspector().info(oname, 1)
        if info is None:
            _not_found(oname)
        elif not info["source"]:
            print("No source found for " + oname)
        else:
            self.shell.page(info["source"])

    @line_magic
    def pfile(self, line: str = "") -> None:
        """Print (or run through pager) the file where an object is defined.

        The file is shown from the line where the definition begins. If the
        argument is not an object, it is taken as a file name (``.py`` is
        added if needed), so %pfile also works as a file viewer."""
        import inspect

        oname = line.strip()
        found = self._inspector().find(oname)
        if found is None:
            self._page_path(oname)
            return
        obj = inspect.unwrap(found[0]) if callable(found[0]) else found[0]
        try:
            filename = inspect.getsourcefile(obj) or inspect.getsourcefile(type(obj))
            lines, start = inspect.findsource(obj)
        except (TypeError, OSError):
            print("No file found for " + oname)
            return
        if not filename:
            print("No file found for " + oname)
            return
        self.shell.page("".join(lines[start:]))

    def _page_path(self, name: str) -> None:
        import os

        for candidate in (name, name + ".py"):
            path = os.path.expanduser(candidate)
            if os.path.isfile(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    self.shell.page(f.read())
                return
        print(f"File `{name!r}` not found.")

    @line_magic
    def psearch(self, line: str = "") -> None:
        """Search for object in namespaces by wildcard.

        %psearch [options] PATTERN [OBJECT TYPE]

        PATTERN uses * as a wildcard (``a*``, ``os.*path*``); matching goes
        into attributes at each dot. OBJECT TYPE is a lower-case name from
        the types module without "Type" (``function``, ``module``...) or a
        builtin class (``str``, ``int``...).

        Options:
          -a: also match names that start with a single underscore.
          -i/-c: case insensitive / sensitive (default: sensitive).
          -e/-s NAMESPACE: exclude / search a namespace ('builtin', 'user',
           'user_global', 'internal'); 'builtin' and 'user' are searched by default.
          -l: list the available object types.

        Examples: %psearch a*; %psearch -e builtin a*; %psearch a* function;
        %psearch re.e*; %psearch r*.e*; %psearch -a _*
        """
        opts, args = self.parse_options(line, "cias:e:l", mode="list", list_all=True)
        if "l" in opts:
            self.shell.page("\n".join(sorted(_type_table())))
            return
        if len(args) not in (1, 2):
            raise UsageError(f"invalid argument string for psearch: <{' '.join(args)}>")
        table = {
            "user": self.shell.user_ns,
            "user_global": self.shell.user_ns,
            "builtin": vars(builtins),
            "internal": getattr(self.shell, "user_ns_hidden", {}),
        }
        search = ["user", "builtin", *opts.get("s", [])]
        exclude = opts.get("e", [])
        for name in search + exclude:
            if name not in table:
                raise UsageError(f"invalid namespace <{name}>. Valid names: {', '.join(table)}")
        namespaces = [table[n] for n in search if n not in exclude]
        names = search_names(
            namespaces,
            args[0],
            args[1] if len(args) == 2 else "all",
            ignore_case="i" in opts and "c" not in opts,
            show_all="a" in opts,
        )
        if names:
            self.shell.page("\n".join(names))
