"""One function per user-facing study; the command line and the Python API both call these.

``run`` (one scenario once), ``compare``, ``sweep``, ``sensitivity`` (and ``function_sensitivity``),
``hypothesis`` (and ``crowding_out``), ``additionality``, ``validate`` and ``calibrate``. Each validates
every input first, builds a design, runs it with the one evaluator (``runs.evaluate``), analyses the runs
(``analysis``) and, given ``out``, writes its files (``outputs``). Execution settings (workers, executor,
scheduler, fresh, retry_failed, ...) come as one ``runs.execution.Execution`` or as keywords.
"""
