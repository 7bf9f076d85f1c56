"""A greeter, written the old way: an example extension on the legacy API.

This is how extensions for IPython 0.10 looked, and it still runs here (each
legacy call emits a DeprecationWarning naming its replacement; see
docs/extensions.md, and the ``migration`` codemods that port it). Load it with
``%load_ext legacy_ext`` (this directory on ``sys.path``)::

    In [2]: %greet Ada
    Hello, Ada!
    In [3]: %greetings
    1 greeting(s) so far; 3 cell(s) run since loading.

``%load_ext`` calls ``init_ipython(ip)`` with the legacy wrapper because the
module has no ``load_ipython_extension``. The file name starts with
``legacy_`` so that the linter leaves its old-style code alone.
"""

from legacy_shell import ipapi


def magic_greet(self, arg):
    """Greet someone: %greet NAME (stores the text in `last_greeting`)."""
    name = arg.strip() or "world"
    last_greeting = "Hello, %s!" % name
    print(last_greeting)
    ip = ipapi.get()
    ip.to_user_ns("last_greeting")
    GREETED.append(name)


def magic_greetings(self, arg):
    """How many greetings, and how many cells ran since loading."""
    ip = ipapi.get()
    print("%d greeting(s) so far; %d cell(s) run since loading."
          % (len(GREETED), ip.user_ns["_greeter_cells"]))


def count_cell(self):
    """pre_run_code_hook: called with the shell before each cell's code runs."""
    self.user_ns["_greeter_cells"] = self.user_ns.get("_greeter_cells", 0) + 1


GREETED = []


def init_ipython(ip):
    """The legacy entry point: ``ip`` is the legacy wrapper."""
    del GREETED[:]
    ip.expose_magic("greet", magic_greet)
    ip.define_magic("greetings", magic_greetings)
    ip.set_hook("pre_run_code_hook", count_cell)
    ip.to_user_ns({"_greeter_cells": 0})
    if not ip.options.automagic:
        print("legacy_ext: %automagic is off, type %greet (with the %)")
