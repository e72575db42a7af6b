"""Reports: self-contained offline HTML pages of runs and comparisons (Plotly JS inlined)."""

from roxham.report.run_report import render_compare_report, render_run_report

__all__ = ["render_compare_report", "render_run_report"]
