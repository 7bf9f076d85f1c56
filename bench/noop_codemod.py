"""A codemod that changes nothing: libcst's runner doing only its own work (parse, visit, print)."""

from libcst.codemod import VisitorBasedCodemodCommand


class NoOp(VisitorBasedCodemodCommand):
    DESCRIPTION = "Parses, visits and prints every module; changes nothing."
