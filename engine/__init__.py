"""jixiao: rule-driven scoring of 绩效自评 forms, every point explained.

Pipeline stages, each a module: load -> validate -> facts -> match -> score -> report.
"""

__version__ = "0.1.0"
