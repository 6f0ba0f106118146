"""JUnit XML for schedulers and CI dashboards: one testsuite per plan, one testcase per requirement.

A requirement that fails with severity error or warning is a <failure>; a waived one is <skipped>;
an info finding passes with its message in <system-out>. A file that could not be read or checked
is a testsuite with one testcase carrying an <error>. A plan found in two files (an .xlsx and its
.json twin) is one testsuite, from the file the review counts it from, whose <system-out> holds the
review's warning naming both files. Pure function, deterministic output.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from planchecker.checking.findings import Finding, Report
from planchecker.checking.pipeline import Outcome
from planchecker.reports.matrix import build_review


def _subjects(finding: Finding) -> str:
    return f" ({', '.join(finding.subjects)})" if finding.subjects else ""


def _suite_for_report(report: Report) -> ET.Element:
    suite = ET.Element("testsuite", name=f"{report.plan_name} {report.plan_year}")
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    failures = skipped = 0
    for rule_id in report.applicable_rules:
        case = ET.SubElement(suite, "testcase", name=rule_id, classname=report.plan_name, time="0")
        findings = by_rule.get(rule_id, [])
        failing = [f for f in findings if f.status == "fail" and f.severity in ("error", "warning")]
        waived = [f for f in findings if f.status == "waived"]
        if failing:
            failures += 1
            first = failing[0]
            node = ET.SubElement(case, "failure", message=first.message, type=first.severity)
            node.text = "\n".join(f"{f.message}{_subjects(f)} [{f.source}]" for f in failing)
        elif waived:
            skipped += 1
            ET.SubElement(case, "skipped", message=f"Undantag: {waived[0].waiver.motivation if waived[0].waiver else ''}")
        elif findings:
            ET.SubElement(case, "system-out").text = "\n".join(f.message for f in findings)
    if report.engine_errors:
        case = ET.SubElement(suite, "testcase", name="regelmotor", classname=report.plan_name, time="0")
        ET.SubElement(case, "error", message="Regelmotorn slutförde inte kontrollen").text = "\n".join(
            report.engine_errors
        )
    _set_counts(suite, tests=len(suite), failures=failures, errors=1 if report.engine_errors else 0, skipped=skipped)
    return suite


def _suite_for_problem(outcome: Outcome) -> ET.Element:
    suite = ET.Element("testsuite", name=outcome.file)
    case = ET.SubElement(suite, "testcase", name="inläsning", classname=outcome.file, time="0")
    node = ET.SubElement(case, "error", message="Planen kunde inte läsas", type="input")
    node.text = "\n".join(p.describe() for p in outcome.problems)
    _set_counts(suite, tests=1, failures=0, errors=1, skipped=0)
    return suite


def _set_counts(element: ET.Element, *, tests: int, failures: int, errors: int, skipped: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    element.set("skipped", str(skipped))
    element.set("time", "0")


def render_junit(outcomes: Sequence[Outcome], name: str = "planchecker") -> str:
    review = build_review(outcomes)
    counted_elsewhere = review.counted_as()
    warnings = {row.file: w for row in review.rows if (w := row.duplicate_warning()) is not None}
    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for outcome in sorted(outcomes, key=lambda o: o.file):
        if outcome.file in counted_elsewhere:
            continue
        suite = _suite_for_report(outcome.report) if outcome.report else _suite_for_problem(outcome)
        if outcome.file in warnings:
            ET.SubElement(suite, "system-out").text = "Varning: " + warnings[outcome.file]
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    _set_counts(root, **totals)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
