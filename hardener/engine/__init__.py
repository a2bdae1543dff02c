"""Use cases over client configs: discovery, scan, harden, restore, desired state (L2 services).

The surface the CLI and the daemon use (plans are values; only ``apply_*`` writes):

- context: :class:`hardener.engine.context.EngineContext` — ``for_machine(platform, policy)`` or
  built by hand (tests, daemon); ``ctx.locations(client_ids, projects)`` is discovery: every
  candidate config file, including absent ones (watch their directories).
- scan one file: :func:`hardener.engine.scan.scan_file` (findings, never raises);
  everything: :func:`hardener.engine.scan.scan`.
- harden one file: :func:`hardener.engine.harden.plan_harden` → :class:`~hardener.engine.plan.FilePlan`
  (``.changed``, ``.diff()``, ``.changes``, ``.findings``, ``.error``), then
  :func:`hardener.engine.plan.apply_plan` (backup → compare-and-swap write → desired state →
  ``config.harden`` events) with an :class:`~hardener.engine.plan.EventSink`.
- restore one file: :func:`hardener.engine.restore.plan_restore`, then ``apply_plan``.
- desired state: :class:`hardener.engine.desired.DesiredStateStore` (``load(path)``,
  ``save(state)``, ``all()``); records per entry: original, wrapped, text fragment, order;
  ``released`` lists entries a person restored on purpose.
- the shim's path: :func:`hardener.engine.shimpath.locate_shim`.
"""
