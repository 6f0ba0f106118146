"""Many plans: the parallel review (one process per core, one plan's failure never loses
another), the scheduled run before each tertialrapport, and its history.
"""
