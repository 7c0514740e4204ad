"""The one error type for bad input, whatever its source: a file, a value given to a function, a folder.

Library code raises :class:`InputError` and never names a command-line flag: a value given to a function
names the function's argument (``replications``, ``overrides``, ``out``) and the command line turns that
name into its flag (``--replications``, ``--set``, ``--out``) when it prints the one-line message.
"""

from __future__ import annotations

import warnings


class InputError(ValueError):
    """Bad input; ``str()`` is one line naming the source, the key, the value and what is allowed.

    Attributes:
        source: the file (as given, or relative to the working directory), the scenario's name, or the
            name of the argument that held the value.
        message: the rest of the line: the key, the value and what is allowed.
        argument: ``source`` is the name of an argument (so a front end may show it as its own option).
    """

    def __init__(self, source: str, message: str, *, argument: bool = False):
        self.source = str(source)
        self.message = message
        self.argument = argument
        super().__init__(f"{self.source}: {message}")


def argument_error(name: str, value: object, allowed: str) -> InputError:
    """An :class:`InputError` about a value given to a function as ``name`` (``1: at least 2``)."""
    return InputError(name, f"{value}: {allowed}", argument=True)


class InputWarning(UserWarning):
    """Input that is allowed but probably not meant, or a damaged file that was recovered from.

    ``str()`` is one line; the command line prints it as ``clusterpolicy: warning: ...``. Like
    :class:`InputError`, it names its source: a file, or (with ``argument``) an argument.
    """

    def __init__(self, source: str, message: str = "", *, argument: bool = False):
        self.source = str(source)
        self.message = message
        self.argument = argument
        super().__init__(f"{self.source}: {message}" if message else self.source)


def warn(warning: InputWarning) -> None:
    """Issue a warning (shown once per message) at the caller's caller."""
    warnings.warn(warning, stacklevel=3)
