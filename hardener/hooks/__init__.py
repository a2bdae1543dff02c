"""Client hooks: a second sensor next to the shim (L2 service, with a pure core in payload/edit).

``hardener hooks install`` writes hardener's hook into each supporting client's settings
(:mod:`hardener.hooks.targets`, :mod:`hardener.hooks.install`); the client then runs
``hardener-hook`` (:mod:`hardener.hooks.main`) before and after every MCP tool call, and the hook
appends a ``hook.call`` / ``hook.result`` event to the spool. The daemon cross-checks those events
against the shim's (:mod:`hardener.detect.sensors`).
"""
