"""Magics about the shell itself: listing magics, automagic, config, extensions."""

from __future__ import annotations

import inspect

from ..errors import ConfigError, ExtensionError, UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["BasicMagics"]

_QUICKREF = """\
legacy-shell -- an enhanced interactive Python, quick reference
?             introduction and overview
object?       details about 'object'; object?? shows the source too
%magic        help on the magic system; %lsmagic lists the magics
%quickref     this text
!cmd          run a shell command;  x = !cmd  captures its lines
%%cellmagic   a magic applied to the whole cell
_  __  ___    the last three results;  _N  Out[N];  _iN  In[N]
%history      the input history;  %rerun 3-5  runs lines 3 to 5 again
%timeit expr  time an expression;  %run file.py  run a script
exit, quit    leave (Ctrl-D)
"""


@magics_class
class BasicMagics(Magics):
    """``%lsmagic``, ``%magic``, ``%automagic``, ``%config``, ``%quickref``, ``%*_ext``."""

    @line_magic
    def lsmagic(self, parameter_s: str = "") -> None:
        """List the available magics."""
        print(self.shell.magics_manager.lsmagic_text())

    @line_magic
    def magic(self, parameter_s: str = "") -> None:
        """Print information about the magic system and every magic's docstring."""
        mm = self.shell.magics_manager
        out = [
            "Magic functions are commands that start with % (line magics, for one line) or",
            "%% (cell magics, for the whole cell). With automagic on, % is optional for line magics.",
            "",
        ]
        for kind, prefix in (("line", "%"), ("cell", "%%")):
            for name, fn in sorted(mm.magics[kind].items()):
                doc = inspect.cleandoc(fn.__doc__ or "No documentation").splitlines()[0]
                out.append(f"{prefix}{name}:\n    {doc}")
        out.append("")
        out.append(mm.lsmagic_text())
        self.shell.page("\n".join(out))

    @line_magic
    def quickref(self, parameter_s: str = "") -> None:
        """Show a quick reference sheet."""
        self.shell.page(_QUICKREF)

    @line_magic
    def automagic(self, parameter_s: str = "") -> None:
        """Make magic functions callable without the % prefix: ``%automagic [on|off]``."""
        arg = parameter_s.strip().lower()
        mm = self.shell.magics_manager
        if arg in ("on", "1", "true"):
            value = True
        elif arg in ("off", "0", "false"):
            value = False
        elif not arg:
            value = not mm.auto_magic
        else:
            raise UsageError(f"%automagic takes on, off or nothing, not {parameter_s.strip()!r}")
        self.shell.config.set("shell.automagic", value)
        print(
            f"\nAutomagic is {'ON' if value else 'OFF'}, % prefix IS {'NOT ' if value else ''}needed for line magics."
        )

    @line_magic
    def config(self, parameter_s: str = "") -> None:
        """Show or change the configuration.

        ``%config`` lists every key; ``%config SECTION`` the keys of one section
        (``%config InteractiveShell`` works too); ``%config KEY`` shows one;
        ``%config KEY = VALUE`` sets it. IPython's spellings of the keys this
        shell has are accepted (``InteractiveShell.ast_node_interactivity``,
        ``InteractiveShell.colors``, ``TerminalInteractiveShell.confirm_exit``,
        ``PlainTextFormatter.pprint``...).
        """
        arg = parameter_s.strip()
        config = self.shell.config
        try:
            if not arg:
                print("Configuration keys (section.name = value):")
                print(config.describe())
            elif "=" in arg:
                config.apply_assignment(arg)
            elif "." not in arg and config.section(arg) is not None:
                section = config.section(arg)
                print(f"{arg} options (section {section}):")
                print(config.describe(section))
            else:
                spec = config.spec(arg)
                print(f"{spec.name} = {config[spec.name]!r}  ({spec.type.__name__}) {spec.help}")
        except ConfigError as e:
            raise UsageError(str(e)) from None

    def _ext_name(self, parameter_s: str, magic: str) -> str:
        name = parameter_s.strip()
        if not name:
            raise UsageError(f"Missing module name. Usage: %{magic} module")
        return name

    @line_magic
    def load_ext(self, module_str: str) -> None:
        """Load an extension: ``%load_ext module``."""
        from ..startup import load_extension_reporting

        name = self._ext_name(module_str, "load_ext")
        if name in self.shell.extension_manager.loaded:
            print(
                f"The {name} extension is already loaded. To reload it, use:\n  %reload_ext {name}"
            )
            return
        try:
            load_extension_reporting(self.shell, name)
        except ExtensionError as e:
            raise UsageError(str(e)) from None

    @line_magic
    def unload_ext(self, module_str: str) -> None:
        """Unload an extension: ``%unload_ext module``."""
        name = self._ext_name(module_str, "unload_ext")
        status = self.shell.extension_manager.unload_extension(name)
        if status == "not loaded":
            print(f"The {name} extension is not loaded.")
        elif status == "no unload function":
            print(f"The {name} extension doesn't define how to unload it.")

    @line_magic
    def reload_ext(self, module_str: str) -> None:
        """Reload an extension: ``%reload_ext module``."""
        name = self._ext_name(module_str, "reload_ext")
        try:
            self.shell.extension_manager.reload_extension(name)
        except ExtensionError as e:
            raise UsageError(str(e)) from None
        except Exception as e:
            self.shell._remember_exception()
            print(f"Error reloading extension {name!r}: {type(e).__name__}: {e}")
