"""Debounce, own-write memory, and the directory watcher on real directories."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hardener.daemon.inbox import Inbox, Notice
from hardener.daemon.watch import ContentMemory, Debouncer, DirectoryWatcher, nearest_existing_dir


def test_debouncer_waits_for_quiet_then_fires_once():
    deb: Debouncer[str] = Debouncer(delay=0.2, max_delay=1.0)
    deb.touch("a", 0.0)
    deb.touch("a", 0.1)
    assert deb.pop_due(0.25) == []
    assert deb.next_deadline() == pytest.approx(0.3)
    assert deb.pop_due(0.31) == ["a"]
    assert deb.pop_due(10) == []
    assert deb.next_deadline() is None


def test_debouncer_caps_a_never_ending_burst():
    deb: Debouncer[str] = Debouncer(delay=0.2, max_delay=1.0)
    t = 0.0
    fired = []
    while t < 1.15:
        deb.touch("a", t)
        fired += deb.pop_due(t)
        t += 0.1
    assert fired == ["a"]


def test_content_memory_is_by_hash():
    memory = ContentMemory()
    p = Path("/x")
    assert not memory.unchanged(p, "h1")
    memory.remember(p, "h1")
    assert memory.unchanged(p, "h1")
    assert not memory.unchanged(p, "h2")
    memory.remember(p, None)
    assert memory.unchanged(p, None)
    memory.forget(p)
    assert not memory.unchanged(p, None)


def test_nearest_existing_dir(tmp_path):
    assert nearest_existing_dir(tmp_path / "a" / "b" / "c") == tmp_path
    (tmp_path / "a").mkdir()
    assert nearest_existing_dir(tmp_path / "a" / "b" / "c") == tmp_path / "a"


def _wait_for(inbox: Inbox, predicate, timeout: float = 10.0) -> list[Notice]:
    seen: list[Notice] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inbox.wait(0.2)
        seen += inbox.drain()
        if predicate(seen):
            return seen
    raise AssertionError(f"no matching notice; saw {seen}")


@pytest.fixture
def watcher(tmp_path):
    inbox = Inbox()
    w = DirectoryWatcher(inbox, spool_dir=tmp_path / "state" / "spool")
    yield w, inbox
    w.stop()
    inbox.close()


def test_atomic_rename_and_in_place_edits_are_seen(tmp_path, watcher):
    w, inbox = watcher
    config = tmp_path / "client" / "config.json"
    config.parent.mkdir()
    config.write_text("{}")
    w.set_targets([config])
    w.start()
    tmp = config.with_name(".config.json.tmp")
    tmp.write_text('{"a": 1}')
    os.replace(tmp, config)
    _wait_for(inbox, lambda s: Notice("config", config) in s)
    with open(config, "a") as handle:
        handle.write(" ")
    _wait_for(inbox, lambda s: Notice("config", config) in s)
    # Unrelated files in the same directory are not configs.
    (config.parent / "other.json").write_text("{}")
    config.unlink()
    seen = _wait_for(inbox, lambda s: Notice("config", config) in s)
    assert all(n.path != config.parent / "other.json" for n in seen)


def test_a_config_dir_created_later_is_picked_up(tmp_path, watcher):
    w, inbox = watcher
    tmp_path = tmp_path / "home"
    tmp_path.mkdir()
    config = tmp_path / "later" / "deep" / "mcp.json"
    w.set_targets([config])
    w.start()
    assert tmp_path in w.watched_dirs
    (tmp_path / "later").mkdir()
    _wait_for(inbox, lambda s: any(n.kind == "rewatch" for n in s))
    w.refresh()
    assert tmp_path / "later" in w.watched_dirs
    (tmp_path / "later" / "deep").mkdir()
    _wait_for(inbox, lambda s: any(n.kind == "rewatch" for n in s))
    w.refresh()
    assert tmp_path / "later" / "deep" in w.watched_dirs
    assert tmp_path not in w.watched_dirs
    config.write_text("{}")
    _wait_for(inbox, lambda s: Notice("config", config) in s)


def test_spool_files_are_reported(tmp_path, watcher):
    w, inbox = watcher
    spool = tmp_path / "state" / "spool"
    w.set_targets([])
    w.start()
    spool.mkdir(parents=True)
    _wait_for(inbox, lambda s: any(n.kind == "rewatch" for n in s))
    w.refresh()
    (spool / "abc.jsonl").write_text("{}\n")
    _wait_for(inbox, lambda s: Notice("spool", spool / "abc.jsonl") in s)


def test_symlinked_config_is_watched_at_its_target(tmp_path, watcher):
    w, inbox = watcher
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "claude.json"
    real.write_text("{}")
    home = tmp_path / "home"
    home.mkdir()
    link = home / ".claude.json"
    link.symlink_to(real)
    w.set_targets([link])
    w.start()
    assert dotfiles in w.watched_dirs
    real.write_text('{"x": 1}')
    _wait_for(inbox, lambda s: Notice("config", link) in s)


def test_inbox_wait_returns_on_post_and_on_timeout():
    inbox = Inbox()
    try:
        start = time.monotonic()
        inbox.wait(0.05)
        assert time.monotonic() - start >= 0.04
        inbox.post(Notice("wake"))
        inbox.wait(30)
        assert inbox.drain() == [Notice("wake")]
        assert inbox.drain() == []
    finally:
        inbox.close()
