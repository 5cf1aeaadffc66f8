"""The ``ksmcode`` command line: thin wrappers that parse options, call the library, render."""

from ksmcode.cli.app import app, main

__all__ = ["app", "main"]
