"""Global sensitivity analysis of a sweep, or of any Python function: Sobol' and Morris indices.

The analysis takes the outputs of a ``sobol`` or ``morris`` design (see :mod:`clusterpolicy.runs.samplers`)
as a matrix of design points x replicates and computes, per outcome, with SALib:

* **Sobol'** (``design = "sobol"``): first-order ``S1`` and total-order ``ST`` indices (and ``S2`` with
  ``second_order = true``), each with a bootstrap interval (SALib's percentile-free bootstrap: ``conf`` is
  z x the standard deviation of the index over ``bootstrap`` resamples of the base samples);
* **Morris** (``design = "morris"``): ``mu_star`` (mean absolute elementary effect) with its bootstrap
  interval, ``sigma`` (standard deviation of the elementary effects) and ``mu`` (their mean, whose sign
  gives the direction). Elementary effects are in outcome units per whole parameter range.

Replicates are **averaged per design point** before the analysis (the order of the points is SALib's,
so the Saltelli blocks and Morris trajectories stay intact). A point whose runs all failed removes its
whole block (Sobol': the ``D + 2`` rows of one base sample; Morris: one trajectory of ``D + 1`` rows); the
estimators are means over blocks, so the rest stays valid.

**Replicate noise.** ``v``, the variance of the noise left in a point mean of ``R`` replicates, is
estimated as follows. Without common random numbers (every run its own seed), with ``s_i^2`` the sample
variance of the replicates at point ``i`` and ``k_i`` their number, ``v = mean_i(s_i^2 / k_i)``. With
common random numbers (the default: replicate ``r`` has the same seed at every point) the part of the
noise common to all points shifts every point mean alike and does not touch the indices; what is left is
the point x seed interaction, whose variance is the residual variance of the points x replicates table
(two-way layout without interaction, complete points only), ``sigma_e^2 = SS_res / ((P - 1)(R - 1))``,
and ``v = sigma_e^2 / R``. Beside the indices we report:

* Sobol': the noise share ``eta = v / Var_i(point means)``, the part of the analysed variance that is
  replicate noise. Independent noise adds exactly ``eta`` to the expected total-order index of every
  parameter (and nothing to the first-order ones), so ``eta`` is the level below which an index cannot be
  told apart from noise. Where the noise of nearby points is alike it partly cancels in the estimators,
  so ``eta`` is conservative;
* Morris: the mean absolute elementary effect of pure noise, ``sqrt(2/pi) * sqrt(2 v) / delta`` for
  ``mu_star`` and ``sqrt(2 v) / delta`` for ``sigma`` (``delta`` = the Morris step in units of the
  parameter range).

An index is flagged ``below_noise`` when the lower end of its interval (``value - conf``; ``value`` for
``sigma``) is below its noise level. With one replicate the noise is not estimated.

**Indices outside [0, 1].** A Sobol' index is a share of variance, but its estimate can fall below 0 or
above 1. :func:`out_of_range` says why for each such index and what design would bring it in: when the
interval reaches back into [0, 1] it is sampling error of a small N (the half-width shrinks as 1/sqrt(N),
so ``N * (conf / 0.05)^2``, rounded up to a power of two, narrows it to about 0.05); when a total-order
index lies above 1 beyond its interval, the replicate noise (which adds the noise share to every
expected ST) is the cause and more replicates are needed. The explanations are among the warnings.

**Convergence.** The indices are recomputed on the first half of the blocks (base samples, trajectories):
an index has ``converged`` when ``|S(N) - S(N/2)| <= max(min(conf(N), tol), floor)``, where ``tol`` is 0.1
for Sobol' indices (shares of variance) and 10 % of the outcome's largest ``mu_star`` for Morris, and
``floor`` is 0.01 (1 % of the largest ``mu_star``): moves that small change no conclusion. For a settled
estimator, ``S(N) - S(N/2)`` is about half the difference of two independent half-sample estimates, whose
95 % bound is ``conf(N)``: about 1 index in 20 fails the interval rule by chance; many failures mean ``n``
is too small. The tolerance catches small designs whose intervals are so wide that the interval rule
alone would pass anything. Designs with fewer than 4 blocks are too small to check (``converged`` empty).
:func:`convergence` recomputes the indices on the first 4, 8, ... blocks and all of them: the index against
N, for the convergence figure.

Designs ``grid`` and ``lhs`` are refused: their indices would need a different estimator (e.g. a
meta-model), which this module does not provide; run them with ``clusterpolicy sweep``.


The same analysis runs on any outputs laid out in SALib's sample order (:func:`analyze_outputs`);
``clusterpolicy.studies.sensitivity.function_sensitivity`` samples and evaluates a plain function with it,
which is how the pipeline is tested against the Ishigami function's analytic indices (the function lives
in the tests, as in SALib). This module computes; it draws and writes nothing
(:mod:`clusterpolicy.outputs.sensitivity` does).
"""

from clusterpolicy.analysis.sensitivity.analyze import (
    analyze_outputs,
    analyze_results,
    check_design,
    tol_text,
)
from clusterpolicy.analysis.sensitivity.convergence import convergence
from clusterpolicy.analysis.sensitivity.core import (
    CONVERGENCE_FLOOR,
    DEFAULT_BOOTSTRAP,
    EXTRA_COLUMNS,
    INDEX_COLUMNS,
    METHODS,
    MIN_BOOTSTRAP,
    MORRIS_TOLERANCE,
    SOBOL_TOLERANCE,
    SensitivityResult,
    bootstrap_seed,
)
from clusterpolicy.analysis.sensitivity.reading import (
    RANGE_TARGET,
    drivers,
    is_flag,
    lever_share,
    next_power_of_two,
    out_of_range,
    out_of_range_text,
)

__all__ = [
    "CONVERGENCE_FLOOR",
    "DEFAULT_BOOTSTRAP",
    "EXTRA_COLUMNS",
    "INDEX_COLUMNS",
    "METHODS",
    "MIN_BOOTSTRAP",
    "MORRIS_TOLERANCE",
    "RANGE_TARGET",
    "SOBOL_TOLERANCE",
    "SensitivityResult",
    "analyze_outputs",
    "analyze_results",
    "bootstrap_seed",
    "check_design",
    "convergence",
    "drivers",
    "is_flag",
    "lever_share",
    "next_power_of_two",
    "out_of_range",
    "out_of_range_text",
    "tol_text",
]
