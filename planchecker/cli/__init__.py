"""The `planchecker` command line: parses options, calls the stages, picks a writer and
maps the outcome to exit codes 0, 1 or 2. No checking logic of its own.
"""
