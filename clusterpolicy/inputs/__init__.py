"""Every file a user writes, read and validated in one style, with one error type (``errors.InputError``).

``files`` (where shipped and user files are found, reading TOML), ``checks`` (checks of single values),
``scenario`` (scenario files and overrides), ``sweep_spec`` (experiment files), ``hypothesis_file``
(hypothesis files) and ``targets`` (validation targets).
"""
