"""Names for the user on the legacy API (every site rewritable): user_ns[k] = v, __IPYTHON__."""

from legacy_shell import ipapi


def magic_seed(self, arg):
    """%seed N: puts `seed` (an int) and `seeds` (a list) in the namespace."""
    value = int(arg or "0")
    __IPYTHON__.user_ns["seed"] = value
    __IPYTHON__.push({"seeds": list(range(value))})


def init_ipython(ip):
    if __IPYTHON__:
        ip.user_ns["namespace_loaded"] = True
    ip.expose_magic("seed", magic_seed)
    shell = ipapi.get()
    shell.user_ns["namespace_shell_seen"] = shell is not None
