"""What people see: formatting from the outcome declarations, figures (drawn once), reports and files.

``format`` (labels and units from ``model.metrics.OUTCOMES``: the one place values are formatted),
``i18n`` (English and Dutch: the one place for translations), ``figures`` (render once to PNG), ``html``
(self-contained pages), ``files`` (atomic writes), ``provenance`` (versions and commit), and one module
per study (``run``, ``compare``, ``sweep``, ``sensitivity``, ``hypothesis``, ``additionality``,
``validation``, ``calibration``) with its terminal text, figures, report and files.
"""
