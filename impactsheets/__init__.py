"""impactsheets: validate the "effets sociaux et urbains" answers, annotate the sheet, render reports.

The package reads as the pipeline: ``sources`` → ``questionnaire`` → ``validation`` →
``feedback`` → ``report`` → ``delivery`` → ``sync``.
"""

__version__ = "0.1.0"
