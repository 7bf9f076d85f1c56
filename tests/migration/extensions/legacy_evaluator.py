"""Evaluating in the live namespace, and a look at the caller's frame (manual)."""

import sys

from legacy_shell import ipapi


def magic_ev(self, arg):
    """%ev EXPR: evaluates EXPR in the user namespace and prints it."""
    ip = ipapi.get()
    caller = sys._getframe(1).f_code.co_name
    print(eval(arg, ip.IP.user_ns), caller != "")


def init_ipython(ip):
    ip.expose_magic("ev", magic_ev)
