"""Recent inputs, reaching into the shell's internals (manual: not in the shell API, private)."""

from legacy_shell import ipapi


def magic_recent(self, arg):
    """%recent N: the last N inputs, from the history manager itself."""
    ip = ipapi.get()
    n = int(arg or "3")
    print(list(ip.IP.history_manager.input_hist_raw[-n:]))
    print(ip.IP._private_marker if hasattr(ip.IP, "_private_marker") else "")


def init_ipython(ip):
    ip.expose_magic("recent", magic_recent)
