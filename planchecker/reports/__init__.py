"""Stage 4, Report -> what people read: text, Markdown, JSON and HTML renderers, the
report and review workbooks, the review matrix, JUnit XML and the rules reference.
Pure functions of a Report (or of many); the caller writes the result.
"""
