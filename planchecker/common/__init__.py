"""What every stage shares: the plan model and its one Location type, the input problem
codes, file names fit for a report, atomic output files and worker processes that never
outlive their run. Imports no other planchecker subpackage.
"""
