"""Per-user service definitions for the agent: systemd user unit, LaunchAgent, logon task (L2).

:mod:`hardener.service.template` is the one template source (what the service runs and how it
restarts); :mod:`~hardener.service.systemd`, :mod:`~hardener.service.launchd` and
:mod:`~hardener.service.windows_task` render it for one OS each; :mod:`~hardener.service.manager`
plans and applies installs. Every path derives from the :class:`~hardener.paths.Platform`.
"""
