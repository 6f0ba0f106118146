"""planchecker: checks Stockholm nämnders' and bolags' verksamhetsplaner against the city's security
and safety programs and the laws behind them, with declarative rules run on durable_rules."""

from __future__ import annotations

from planchecker.checking import Checker as Checker
from planchecker.checking import check_plan as check_plan
from planchecker.findings import Finding as Finding
from planchecker.findings import Report as Report
from planchecker.reading import read_plan as read_plan

__all__ = ["Checker", "Finding", "Report", "check_plan", "read_plan"]
