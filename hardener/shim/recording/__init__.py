"""The shim's recording: what the relay forwards in, redacted spool events out (L2 shim).

- :mod:`.messages`: the typed messages the relay hands over (a chunk, a parsed line, a long line's
  summary, end of a direction, the shim's own events, sync, end of session, launch);
- :mod:`.framing`: the relay side's :class:`~.framing.Tap` (keeps the hand-off small) and the
  recorder side's line assembly;
- :mod:`.recorder`: the :class:`~.recorder.Recorder` that tracks, redacts and writes the spool,
  as a thread;
- :mod:`.process`: the same recorder in a forked, lower-priority process (POSIX), fed over a pipe
  in the framing of :mod:`.wire`.
"""
