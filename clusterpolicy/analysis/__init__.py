"""Pure analyses: data frames in, results out. Nothing here writes a file, draws, or names a CLI option.

``stats`` (Student-t intervals), ``comparison``, ``sensitivity/`` (SALib: ``sobol``, ``morris``, the shared
``core`` and ``analyze``, ``reading`` the indices),
``hypothesis`` (paired tests, corrections, verdicts), ``additionality``, ``validation`` (targets'
statistics) and ``calibration`` (scoring and choosing parameter sets).
"""
