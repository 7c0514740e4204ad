"""The ``clusterpolicy`` command line."""
