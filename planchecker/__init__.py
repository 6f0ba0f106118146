"""planchecker: checks Stockholm nämnders' and bolags' verksamhetsplaner against the city's security
and safety programs and the laws behind them, with declarative rules run on durable_rules."""

from __future__ import annotations

import os

# python-docx (for Word plans) brings lxml, and openpyxl switches its own parsing to lxml when
# lxml is installed. The workbook readers are hardened and measured on openpyxl's standard path
# (defusedxml over expat; a formula cell with a cached value reads differently under lxml), so
# keep that path unless someone asks otherwise. Set before any module imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

from planchecker.checking.findings import Finding as Finding
from planchecker.checking.findings import Report as Report
from planchecker.checking.pipeline import Checker as Checker  # noqa: E402
from planchecker.checking.pipeline import check_plan as check_plan
from planchecker.reading.reader import read_plan as read_plan

__all__ = ["Checker", "Finding", "Report", "check_plan", "read_plan"]
