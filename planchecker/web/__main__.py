"""`python -m planchecker.web`: the serve command."""

from planchecker.web.app import serve_command

serve_command()
