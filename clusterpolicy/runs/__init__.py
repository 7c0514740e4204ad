"""Designs, seeds, the executor and the store: running the model many times."""
