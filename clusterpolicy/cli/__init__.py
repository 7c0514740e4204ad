"""The ``clusterpolicy`` command line: an argparse front end over :mod:`clusterpolicy.studies`.

``main.py`` builds the parser and turns errors into one line (``clusterpolicy.cli.main:main`` is the
command); ``options.py`` defines the options several commands share (``--set``, ``--workers``,
``--scheduler``, ``--fresh``, ``--retry-failed``, ...) once; each other module registers a family of
commands and prints what its study returns.
"""
