"""Shortcuts on the legacy API (every site rewritable): magic(), ipmagic(), runlines, ip.IP."""

from legacy_shell import ipapi


def magic_here(self, arg):
    """%here: prints the working directory and runs two lines in the user namespace."""
    ip = ipapi.get()
    ip.magic("pwd")
    ip.runlines(["shortcut_ran = True", "shortcut_target = target_dir"])


def init_ipython(ip):
    ip.expose_magic("here", magic_here)
    ip.IP.user_ns["target_dir"] = "."
    ipmagic("alias shortcut_echo echo shortcut")
