"""A shell patched and subclassed (manual: monkey-patching and subclassing the shell)."""

from legacy_shell.shell import InteractiveShell


class LoudShell(InteractiveShell):
    """Never instantiated here: subclassing the shell is what the audit must find."""

    def run_cell(self, raw_cell, *args, **kwargs):
        print("running:", raw_cell)
        return super().run_cell(raw_cell, *args, **kwargs)


def load_ipython_extension(ip):
    ip.patched_by_extension = True
    ip.run_line_magic("alias", "patched_echo echo patched")
