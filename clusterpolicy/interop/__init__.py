"""Adapters to other frameworks: the model as other tools expect it (EMA Workbench).

These modules import the other framework lazily or only when used, so ``import clusterpolicy`` stays light
and the framework stays an optional extra (``pip install 'clusterpolicy[ema]'``).
"""
