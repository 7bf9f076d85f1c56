"""A greeter on the legacy API (every site rewritable): expose_magic, to_user_ns, ipapi.get."""

from legacy_shell import ipapi

GREETED = []


def magic_greet(self, arg):
    """%greet NAME: prints a greeting and puts it in `last_greeting`."""
    name = arg.strip() or "world"
    last_greeting = "Hello, %s!" % name
    print(last_greeting)
    ip = ipapi.get()
    ip.to_user_ns("last_greeting")
    GREETED.append(name)


def magic_greeted(self, arg):
    """%greeted: how many greetings so far."""
    print("%d greeting(s)" % len(GREETED))


def init_ipython(ip):
    del GREETED[:]
    ip.expose_magic("greet", magic_greet)
    ip.define_magic("greeted", magic_greeted)
