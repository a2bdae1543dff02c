"""Names vulture reports as unused that are used (scripts/test runs vulture over hardener/ + this).

Each entry says why the name is live. Code only tests use is not whitelisted unless it is a
deliberate public entry point that tests drive.
"""

# Not imported or run: vulture only reads the names (``_`` stands for any object).
_ = object()

# Signal handler signature (signal.signal passes (signum, frame)).
frame  # hardener/daemon/agent.py
# watchdog calls FileSystemEventHandler.on_any_event.
_.on_any_event
# ruamel.yaml's YAML() is configured by setting these attributes; ruamel reads them.
_.preserve_quotes
_.explicit_start
# ctypes Structure field of the Windows job object limits, set by name and read by the kernel.
LimitFlags  # hardener/shim/child.py
# Client spec field: documents which files a client rewrites itself (read by tests/unit/clients).
self_writes  # hardener/clients/spec.py
# Detector rule catalogue field: shipped in docs/tests as the rule's explanation.
explanation  # hardener/detect/model.py
# Exit-code 4 error class; raised by the CLI frame's contract test and listed in the exit table.
PartialChangeError  # hardener/errors.py
# Loaded by qualified name: PYTHON_KEYRING_BACKEND=hardener.demo.demokeys.DemoKeyring.
DemoKeyring  # hardener/demo/demokeys.py
# The demo MCP server's tools, registered by the @server.tool decorator.
search_notes  # hardener/demo/server.py
get_weather
ping
deploy
summarize
# Public entry points the tests drive (the CLI uses their parts directly):
_.restore  # restore one backup by id (tests/unit/test_backup.py)
install_text  # hardener/hooks/edit.py: the hook edit on a text (hypothesis tests of the edit)
request_stop  # hardener/daemon/agent.py: stop from another thread (tests/unit/daemon)
forget  # hardener/daemon/watch.py: drop a watched path (tests/unit/daemon/test_watch.py)
watched_dirs  # hardener/daemon/watch.py: what is watched (tests/unit/daemon/test_watch.py)
ids  # hardener/clients/registry.py: every client id (tests/unit/clients/test_specs.py)
not_available  # hardener/cli/common.py: the error for a verb not in this build (test_frame)
recovered_bytes  # hardener/ledger/opener.py: bytes of a torn tail cut on open (kept for callers)
# Settings fields (hardener/settings.py) read by dotted key through Settings.values(): the shim's
# ShimSettings (server_requests.*, pins.*), the export TypedDict read with .get (timeout_seconds),
# and the package uninstall scripts, which read the policy file themselves (uninstall.purge_state).
_.sampling
_.elicitation
_.block_low_severity_changes
_.timeout_seconds
_.purge_state
# Keys of the event body TypedDicts (hardener/event_bodies.py): JSON fields that producers write
# and consumers read as string keys (vulture only sees attribute use).
_.anomalies
_.argv_fingerprint
_.child_pid
_.client_session
_.content_types
_.error_code
_.error_message
_.execution
_.hook_ms
_.inputSchema
_.input_responses
_.is_error
_.mcp
_.next_cursor
_.outputSchema
_.policy_mode
_.protocol_era
_.replaced_by_policy
_.resolved_via
_.result_excerpt
_.server_fingerprint
_.server_hash
_.shim_version
_.size_bytes
_.structured
_.task_id
_.task_status
_.tool_calls
_.would_deny
# detect: cold-start seam for bench/bench_detect_vs.py and tests
_.clear_cache
# TypedDict keys of documents built as literals and read by other programs (MDM snippet, export).
_.allowedMcpServers  # hardener/cli/policy_allowlist.py: Snippet
_.schema_version  # hardener/export/records.py: ExportRecord
_.last_ok_unix  # hardener/export/targets.py: TargetHealth (heartbeat)
_.retry_at_unix  # hardener/export/targets.py: TargetHealth (heartbeat)
# TypedDict keys of the heartbeat (hardener/daemon/heartbeat.py, alertlog.py), read by subscript
_.high_24h
_.total_24h
_.process_create_time
_.started_at
_.updated_at
_.updated_unix
# hardener/shim/recording/process.py: ProcessRecorder.waits, how often the relay waited for a recorder
# that was behind (back-pressure); read by tests/unit/shim/recording/test_process_pipe.py
_.waits
