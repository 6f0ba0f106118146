"""Stage 1, file -> Plan: sniffing what a file is, the size limits, the Excel contract and
its readers, JSON/YAML plans and published plan documents (Word, PDF, HTML), and the
blank Excel template written from the same contract. `reader.read_plan` is the entry;
it returns the plan or every located input problem, and never raises for bad input.
"""
