"""Imported only by the review's fork server (as a preload module), never elsewhere: importing
it makes the importing process die with its parent, the run (see `processes`)."""

from planchecker.common.processes import die_with_parent

die_with_parent()
