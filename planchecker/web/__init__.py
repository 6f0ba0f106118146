"""The upload page: a Flask app whose checks run in worker processes under the same limits
as the command line; no checking logic of its own.
"""

from planchecker.web.app import create_app as create_app

__all__ = ["create_app"]
