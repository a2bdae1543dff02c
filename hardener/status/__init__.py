"""``hardener status``: compliance checks and their output formats (L2 service).

:func:`hardener.status.evaluate.evaluate_user` runs every check for one user's home and returns a
:class:`~hardener.status.model.UserReport`; :mod:`hardener.status.formats` renders reports for
people (human), scripts (json) and MDM tools (jamf, intune). Unknown counts as non-compliant.
"""
