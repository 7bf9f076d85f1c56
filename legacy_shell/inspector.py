"""Object introspection: what ``obj?`` and ``obj??`` show, and a kernel's ``inspect_reply``.

``Inspector.info`` finds a name (dotted names, ``%magic`` / ``%%magic``, bare
magic names that no variable shadows) without evaluating subscripts or calls,
and collects the fields IPython users know (signature, docstring, file,
source...) under IPython's key names. ``text`` lays them out in IPython 8's
order and look; ``mime`` adds HTML for kernels. Properties reached through an
instance are shown as the property, not run.
"""

from __future__ import annotations

import ast
import builtins
import html
import inspect
import linecache
import os
import re
import textwrap
import types
from typing import Any, Protocol

from .cells import cell_label

__all__ = ["Inspector", "render_signature"]

_NAME = re.compile(r"^(%{0,2})([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)$")
_STRING_MAX = 200
_OBJECT_INIT_DOC = object.__init__.__doc__
_FUNC_CALL_DOC = types.FunctionType.__call__.__doc__
_BUILTIN_TYPE_DOCS = {
    inspect.getdoc(t) for t in (types.ModuleType, types.MethodType, types.FunctionType, property)
}


def render_signature(obj: Any, name: str) -> str | None:
    """``name(params) -> ret``, one parameter a line when it would not fit in 75 columns."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    parts = []
    pos_only = False
    kw_only_marked = False
    for param in sig.parameters.values():
        if param.kind is param.POSITIONAL_ONLY:
            pos_only = True
        elif pos_only:
            parts.append("/")
            pos_only = False
        if param.kind is param.VAR_POSITIONAL:
            kw_only_marked = True
        elif param.kind is param.KEYWORD_ONLY and not kw_only_marked:
            parts.append("*")
            kw_only_marked = True
        parts.append(str(param))
    if pos_only:
        parts.append("/")
    if len(name) + sum(len(p) + 2 for p in parts) > 75:
        text = name + "(\n" + "".join(f"    {p},\n" for p in parts) + ")"
    else:
        text = f"{name}({', '.join(parts)})"
    if sig.return_annotation is not inspect.Signature.empty:
        text += f" -> {inspect.formatannotation(sig.return_annotation)}"
    return text


def _getdoc(obj: Any) -> str | None:
    try:
        return inspect.getdoc(obj)
    except Exception:
        return None


def _unwrap(obj: Any) -> Any:
    try:
        return inspect.unwrap(obj)
    except (ValueError, Exception):
        return obj


def _source_file(obj: Any) -> tuple[str | None, int | None]:
    """The file an object (or its class) was defined in, and the line, if known."""
    obj = _unwrap(obj)
    for candidate in (obj, type(obj)):
        try:
            filename = inspect.getfile(candidate)
        except (TypeError, OSError):
            continue
        try:
            line = inspect.getsourcelines(candidate)[1]
        except (TypeError, OSError, IndexError):
            line = None
        return filename, line
    return None, None


def _display_file(filename: str, line: int | None) -> str:
    label = cell_label(filename)
    if label is not None:
        return f"{label}, line {line}" if line else label
    if filename.endswith("<string>"):
        return "Dynamically generated function. No source code available."
    path = os.path.abspath(filename) if not filename.startswith("<") else filename
    home = os.path.expanduser("~")
    if home not in ("", "/") and path.startswith(home + os.sep):
        path = "~" + path[len(home) :]
    return path


def _source(obj: Any, oname: str) -> str | None:
    if isinstance(obj, property):
        pieces = []
        for part in ("fget", "fset", "fdel"):
            fn = getattr(obj, part)
            if fn is not None:
                src = _source(fn, "")
                if src:
                    pieces.append(f"# {oname}.{part}\n{src}")
        return "\n\n".join(pieces) or None
    linecache.checkcache()
    for candidate in (_unwrap(obj), type(obj)):
        try:
            return textwrap.dedent(inspect.getsource(candidate)).rstrip()
        except (TypeError, OSError, IndexError, SyntaxError):
            continue
    return None


def _source_has_docstring(source: str | None, doc: str) -> bool:
    if not source:
        return False
    try:
        (node,) = ast.parse(source).body
        return ast.get_docstring(node) == doc  # type: ignore[arg-type]
    except (SyntaxError, ValueError, TypeError):
        return False


def _string_form(obj: Any, detail_level: int) -> str | None:
    try:
        text = str(obj)
    except Exception:
        return None
    if not detail_level and len(text) > _STRING_MAX:
        half = (_STRING_MAX - 5) // 2
        text = text[:half] + " <...> " + text[-half:]
        text = ("\n" + " " * len("string_form")).join(q.strip() for q in text.split("\n"))
    return text


class InspectorHost(Protocol):
    """What finding objects by name needs: the user namespace and the magics table."""

    @property
    def user_ns(self) -> dict[str, Any]: ...
    @property
    def magics_manager(self) -> _HasMagics: ...


class _HasMagics(Protocol):
    magics: dict[str, dict[str, Any]]


class Inspector:
    """Finds objects by name in one shell and describes them."""

    def __init__(self, shell: InspectorHost) -> None:
        self.shell = shell

    # -- finding -----------------------------------------------------------------
    def find(self, oname: str) -> tuple[Any, str, bool] | None:
        """``(object, namespace, ismagic)`` for a name, or ``None``; calls nothing but
        ``getattr`` on dotted parts (properties of instances come back unevaluated)."""
        m = _NAME.match(oname.strip())
        if m is None:
            return None
        esc, dotted = m.groups()
        magics = self.shell.magics_manager.magics
        if esc:
            kinds = ("cell",) if esc == "%%" else ("line", "cell")
            for kind in kinds:
                if dotted in magics[kind]:
                    return magics[kind][dotted], "Magic", True
            return None
        first, *rest = dotted.split(".")
        if first in self.shell.user_ns:
            obj, namespace = self.shell.user_ns[first], "Interactive"
        elif hasattr(builtins, first):
            obj, namespace = getattr(builtins, first), "Python builtin"
        elif not rest and (first in magics["line"] or first in magics["cell"]):
            table = magics["line"] if first in magics["line"] else magics["cell"]
            return table[first], "Magic", True
        else:
            return None
        for i, attr in enumerate(rest):
            if i == len(rest) - 1 and not isinstance(obj, type):
                try:
                    static = inspect.getattr_static(type(obj), attr)
                except AttributeError:
                    static = None
                if isinstance(static, property):
                    obj = static
                    break
            try:
                obj = getattr(obj, attr)
            except Exception:
                return None
        return obj, namespace, False

    # -- describing --------------------------------------------------------------
    def info(self, oname: str, detail_level: int = 0) -> dict[str, Any] | None:
        """The fields of ``obj?`` (``detail_level=1``: ``obj??``), ``None`` if not found."""
        described = self._describe(oname, detail_level)
        return None if described is None else described[1]

    def _describe(self, oname: str, detail_level: int) -> tuple[Any, dict[str, Any]] | None:
        found = self.find(oname)
        if found is None:
            return None
        obj, namespace, ismagic = found
        oname = oname.strip()
        out: dict[str, Any] = dict.fromkeys(
            (
                "type_name",
                "base_class",
                "string_form",
                "namespace",
                "length",
                "file",
                "definition",
                "call_def",
                "init_definition",
                "docstring",
                "class_docstring",
                "init_docstring",
                "call_docstring",
                "source",
                "subclasses",
            )
        )
        out.update(name=oname, found=True, ismagic=ismagic, isalias=False, isclass=False)
        doc = _getdoc(obj)
        if ismagic:
            doc = inspect.cleandoc(getattr(obj, "__doc__", None) or "No documentation")
        out["type_name"] = "Magic function" if ismagic else type(obj).__name__
        out["base_class"] = str(type(obj))
        out["string_form"] = _string_form(obj, detail_level)
        out["namespace"] = namespace
        if not isinstance(obj, type):
            try:
                out["length"] = str(len(obj))
            except Exception:
                pass
        filename, line = _source_file(obj)
        binary = filename is None or filename.endswith((".so", ".pyd", ".dll"))
        if filename is not None:
            out["file"] = _display_file(filename, line)
        if detail_level and (not binary or isinstance(obj, property)):
            out["source"] = _source(obj, oname.lstrip("%"))
        ds = doc if doc is not None else "<no docstring>"
        if not _source_has_docstring(out["source"], ds):
            out["docstring"] = ds
        if isinstance(obj, type):
            self._class_fields(obj, oname, out)
        elif not ismagic:
            self._instance_fields(obj, oname, ds, out)
        return obj, out

    @staticmethod
    def _class_fields(obj: type, oname: str, out: dict[str, Any]) -> None:
        out["isclass"] = True
        init = getattr(obj, "__init__", None)
        out["init_definition"] = render_signature(obj, oname) or (
            render_signature(init, oname) if init is not None else None
        )
        init_doc = _getdoc(init) if init is not None else None
        out["init_docstring"] = None if init_doc == _OBJECT_INIT_DOC else init_doc
        try:
            subclasses: list[type] = type.__subclasses__(obj)
        except TypeError:
            subclasses = []
        names = [sub.__name__ for sub in subclasses]
        out["subclasses"] = ", ".join(names if len(names) < 10 else [*names[:10], "..."])

    @staticmethod
    def _instance_fields(obj: Any, oname: str, ds: str, out: dict[str, Any]) -> None:
        out["definition"] = render_signature(obj, oname) if callable(obj) else None
        class_doc = _getdoc(type(obj))
        if class_doc and class_doc not in _BUILTIN_TYPE_DOCS and class_doc != ds:
            out["class_docstring"] = class_doc
        init_doc = _getdoc(getattr(obj, "__init__", None))
        out["init_docstring"] = None if init_doc == _OBJECT_INIT_DOC else init_doc
        if callable(obj) and not _simple_callable(obj):
            call = getattr(obj, "__call__", None)  # noqa: B004 (the method itself is wanted)
            call_def = render_signature(call, oname) if call is not None else None
            if call_def != out["definition"]:
                out["call_def"] = call_def
            call_doc = _getdoc(call)
            out["call_docstring"] = None if call_doc == _FUNC_CALL_DOC else call_doc

    def text(self, oname: str, detail_level: int = 0) -> str | None:
        """The text IPython prints for ``obj?`` / ``obj??`` (no colours), or ``None``."""
        described = self._describe(oname, detail_level)
        if described is None:
            return None
        obj, info = described
        fields = _layout(obj, info, detail_level)
        width = max((len(title) for title, _ in fields), default=0)
        lines = []
        for title, body in fields:
            body = body.strip("\n")
            delim = "\n" if "\n" in body else " "
            lines.append(f"{title}:{' ' * (width - len(title))}{delim}{body}")
        return "\n".join(lines)

    def mime(self, oname: str, detail_level: int = 0) -> dict[str, str] | None:
        """``{"text/plain", "text/html"}`` of ``text`` for a kernel's inspect_reply."""
        text = self.text(oname, detail_level)
        if text is None:
            return None
        return {"text/plain": text, "text/html": f"<pre>{html.escape(text)}</pre>"}


def _simple_callable(obj: Any) -> bool:
    return inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isbuiltin(obj)


def _layout(obj: Any, info: dict[str, Any], detail_level: int) -> list[tuple[str, str]]:
    """The sections of IPython's ``?`` output, in its order, for the kind of object."""
    if info["ismagic"]:
        order = [("Source", "source")] if detail_level and info["source"] else []
        order += [] if order else [("Docstring", "docstring")]
        order += [("File", "file")]
    elif info["isclass"] or _simple_callable(obj):
        order = [("Signature", "definition"), ("Init signature", "init_definition")]
        order += [("Docstring", "docstring")]
        if detail_level and info["source"]:
            order += [("Source", "source")]
        else:
            order += [("Init docstring", "init_docstring")]
        order += [("File", "file"), ("Type", "type_name"), ("Subclasses", "subclasses")]
    else:
        order = [("Signature", "definition"), ("Call signature", "call_def")]
        order += [("Type", "type_name"), ("String form", "string_form")]
        if info["namespace"] != "Interactive":
            order += [("Namespace", "namespace")]
        order += [("Length", "length"), ("File", "file")]
        order += (
            [("Source", "source")]
            if detail_level and info["source"]
            else [("Docstring", "docstring")]
        )
        order += [
            ("Class docstring", "class_docstring"),
            ("Init docstring", "init_docstring"),
            ("Call docstring", "call_docstring"),
        ]
    return [(title, str(info[key])) for title, key in order if info[key] is not None]
