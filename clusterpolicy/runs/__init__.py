"""Running the model many times: designs, samplers, the one evaluator, executors, the store.

``runner`` (one run: ``run_one(params, seed)``), ``design`` (points x replicates and their seeds),
``samplers`` (grid, Latin hypercube, Sobol', Morris), ``execution`` (where runs go: ``Execution`` and the
task loop), ``evaluate`` (any design on any executor, into a store or memory), ``store`` (the resumable
run directory) and ``results`` (a store read back as one data frame).
"""
