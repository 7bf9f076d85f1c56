"""Callbacks the kernel would call (manual): a hook with no event, a function in the namespace,
a magic whose body uses the shell it was given."""

from legacy_shell import ipapi


def show(self, data, start=0, screen_lines=0):
    print("PAGED:", data)


def helper(x):
    return x * 2


def magic_who_am_i(self, arg):
    """%who_am_i: uses the shell it is given as `self`."""
    print(type(self).__name__, len(self.user_ns) > 0)


def init_ipython(ip):
    ip.set_hook("show_in_pager", show)
    ip.user_ns["double"] = helper
    ip.expose_magic("who_am_i", magic_who_am_i)
    ipapi.get().magic("pwd")
