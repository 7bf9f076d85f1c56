"""A cell counter on the legacy API (every site rewritable): a pre_run_code_hook, define_magic."""

from legacy_shell import ipapi

COUNT = [0]


def count_cells(self):
    """Called before each cell's code runs."""
    COUNT[0] += 1


def magic_cells(self, arg):
    """%cells: how many cells ran since loading."""
    print("%d cell(s)" % COUNT[0])


def init_ipython(ip):
    COUNT[0] = 0
    ip.set_hook("pre_run_code_hook", count_cells)
    ip.define_magic("cells", magic_cells)
