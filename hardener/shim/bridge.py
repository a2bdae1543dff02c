"""Bridge mode: stdio on the client's side, Streamable HTTP to a remote server (L2 shim).

``hardener-shim --client ID --server NAME --url URL [--header K:V]…`` reads newline-delimited
JSON-RPC from stdin and POSTs each message to ``URL`` (``Accept: application/json,
text/event-stream``). A JSON answer or each event of an SSE answer is written to stdout as one line.
Requests run concurrently (one worker each, so a long tool call or an SSE stream does not hold up
the others); notifications and responses are posted in order. The ``Mcp-Session-Id`` the server
assigns is sent back on every request and the session is closed with ``DELETE`` at the end; the
negotiated ``MCP-Protocol-Version`` is sent once known; 2026-07-28 requests also carry
``Mcp-Method`` / ``Mcp-Name``. A ``GET`` stream for server-initiated messages is opened after the
handshake when the server offers one. Everything is recorded exactly as in stdio mode, and the same
gate enforces policy. Exit code 0, or 1 when the server could not be reached at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from hardener.shim.gate import CODE_UNAVAILABLE, error_line
from hardener.shim.pipes import READ_SIZE
from hardener.shim.relay import OutWriter
from hardener.shim.session import Session, warn
from hardener.shim.summaries import META_VERSION, meta_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    import httpx

    from hardener.shim.gate import Gate

NAME_KEYS: Final = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}
WORKERS: Final = 16


def _one_line(data: bytes) -> bytes:
    """A JSON message as exactly one line (re-encoded only when it spans several)."""
    data = data.strip()
    if b"\n" in data or b"\r" in data:
        try:
            data = json.dumps(json.loads(data), separators=(",", ":"), ensure_ascii=False).encode()
        except ValueError:
            data = data.replace(b"\r", b"").replace(b"\n", b"")
    return data + b"\n"


def _with_id(body: bytes, ident: object) -> bytes:
    """An HTTP error's JSON-RPC error with ``id: null`` answers our request: give it its id."""
    try:
        answer = json.loads(body)
    except ValueError:
        return body
    if isinstance(answer, dict) and "error" in answer and answer.get("id") is None:
        answer["id"] = ident
        return json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()
    return body


class Bridge:
    def __init__(self, session: Session, out: OutWriter, url: str, headers: list[str]) -> None:
        import httpx

        self.httpx = httpx
        self.session = session
        self.out = out
        self.url = url
        base = {k.strip(): v.strip() for k, v in (h.split(":", 1) for h in headers)}
        self.client = httpx.Client(
            headers=base, timeout=httpx.Timeout(30.0, read=None), follow_redirects=False
        )
        self.session_id: str | None = None
        self.version: str | None = None
        self.reached = False
        self.failed = False
        self._get_started = False
        self._closing = threading.Event()
        self._lock = threading.Lock()

    # --- output ---------------------------------------------------------------------------
    def deliver(self, line: bytes) -> None:
        """One server message to the client (gated when policy says so) and to the record."""
        gate = self.session.gate
        at = time.monotonic()
        if gate.gates_s2c:
            try:
                msg = json.loads(line)
            except ValueError:
                msg = None
            if msg is not None:
                decision = gate.check_s2c(line, msg)
                self.session.recorder.line("s2c", line, msg, at, decision.note)
                if decision.forward is not None:
                    self._write(decision.forward)
                if decision.reply is not None:
                    self.post(decision.reply, reply_errors=False)
                return
        self.session.recorder.chunk("s2c", line, at)
        self._write(line)

    def _write(self, line: bytes) -> None:
        try:
            self.out.write(line)
        except OSError:
            self._closing.set()

    # --- HTTP -----------------------------------------------------------------------------
    def _headers(self, msg: object) -> dict[str, str]:
        headers = {
            "accept": "application/json, text/event-stream",
            "content-type": "application/json",
        }
        if self.session_id:
            headers["mcp-session-id"] = self.session_id
        version = self.version
        if isinstance(msg, dict) and isinstance(msg.get("method"), str):
            meta_version = meta_of(msg.get("params")).get(META_VERSION)
            if isinstance(meta_version, str):
                version = meta_version
                headers["mcp-method"] = msg["method"]
                key = NAME_KEYS.get(msg["method"])
                params = msg.get("params")
                if key and isinstance(params, dict) and isinstance(params.get(key), str):
                    headers["mcp-name"] = params[key]
        if version and not (isinstance(msg, dict) and msg.get("method") == "initialize"):
            headers["mcp-protocol-version"] = version
        return headers

    def post(self, line: bytes, *, reply_errors: bool = True) -> None:
        try:
            msg = json.loads(line)
        except ValueError:
            msg = None
        ident = msg.get("id") if isinstance(msg, dict) and "method" in msg else None
        try:
            with self.client.stream(
                "POST", self.url, content=line.rstrip(b"\r\n"), headers=self._headers(msg)
            ) as resp:
                self.reached = True
                sid = resp.headers.get("mcp-session-id")
                if sid:
                    self.session_id = sid
                if resp.status_code in {202, 204}:
                    return
                ctype = resp.headers.get("content-type", "")
                if "text/event-stream" in ctype:
                    self._read_sse(resp)
                    return
                body = resp.read()
                if resp.status_code >= 400 and not body.strip().startswith(b"{"):
                    raise RuntimeError(f"HTTP {resp.status_code} from the remote server")
                if resp.status_code >= 400 and ident is not None:
                    body = _with_id(body, ident)
                if body.strip():
                    self._learn_version(msg, body)
                    self.deliver(_one_line(body))
        except (self.httpx.HTTPError, RuntimeError, OSError) as exc:
            if ident is not None and reply_errors:
                text = f"hardener-shim could not reach remote MCP server '{self.session.server}': {exc}"
                warn(text)
                self.deliver(error_line(ident, CODE_UNAVAILABLE, text))
            if not self.reached:
                self.failed = True

    def _learn_version(self, msg: object, body: bytes) -> None:
        if isinstance(msg, dict) and msg.get("method") == "initialize":
            try:
                result = json.loads(body).get("result", {})
            except (ValueError, AttributeError):
                return
            if isinstance(result, dict) and isinstance(result.get("protocolVersion"), str):
                self.version = result["protocolVersion"]
                self._start_get_stream()

    def _read_sse(self, resp: httpx.Response, *, learn_from: object = None) -> None:
        data: list[str] = []
        for text in resp.iter_lines():
            if self._closing.is_set():
                return
            if text == "":
                payload = "\n".join(data).encode()
                data = []
                if payload.strip():
                    if learn_from is None:
                        self._learn_version_sse(payload)
                    self.deliver(_one_line(payload))
                continue
            if text.startswith("data:"):
                data.append(text[5:].removeprefix(" "))

    def _learn_version_sse(self, payload: bytes) -> None:
        if self.version is None and b'"protocolVersion"' in payload:
            try:
                result = json.loads(payload).get("result", {})
            except (ValueError, AttributeError):
                return
            if (
                isinstance(result, dict)
                and isinstance(result.get("protocolVersion"), str)
                and "serverInfo" in result
            ):
                self.version = result["protocolVersion"]
                self._start_get_stream()

    def _start_get_stream(self) -> None:
        with self._lock:
            if self._get_started:
                return
            self._get_started = True
        threading.Thread(target=self._get_stream, name="hardener-bridge-get", daemon=True).start()

    def _get_stream(self) -> None:
        try:
            headers = self._headers(None)
            headers["accept"] = "text/event-stream"
            headers.pop("content-type", None)
            with self.client.stream("GET", self.url, headers=headers) as resp:
                if resp.status_code == 200 and "text/event-stream" in resp.headers.get(
                    "content-type", ""
                ):
                    self._read_sse(resp, learn_from=False)
        except (self.httpx.HTTPError, OSError, RuntimeError):
            return

    def close(self) -> None:
        self._closing.set()
        if self.session_id:
            with contextlib.suppress(self.httpx.HTTPError, OSError):
                self.client.delete(self.url, headers=self._headers(None), timeout=5.0)
        self.client.close()


def run_bridge(session: Session, proto_out: int, url: str, headers: list[str]) -> int:
    out = OutWriter(proto_out)
    session.recorder.start()
    bridge = Bridge(session, out, url, headers)
    gate = session.gate
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="hardener-bridge")
    buf = bytearray()
    while True:
        try:
            chunk = os.read(0, READ_SIZE)
        except OSError:
            chunk = b""
        if not chunk:
            break
        buf += chunk
        while (end := buf.find(b"\n")) >= 0:
            line = bytes(buf[: end + 1])
            del buf[: end + 1]
            _client_line(bridge, gate, session, pool, line)
    if buf.strip():
        _client_line(bridge, gate, session, pool, bytes(buf) + b"\n")
    session.recorder.eof("c2s")
    pool.shutdown(wait=True, cancel_futures=False)
    bridge.close()
    out.close()
    code = 1 if bridge.failed else 0
    session.recorder.finish("client_closed", code)
    return code


def _client_line(
    bridge: Bridge, gate: Gate, session: Session, pool: ThreadPoolExecutor, line: bytes
) -> None:
    at = time.monotonic()
    try:
        msg = json.loads(line)
    except ValueError:
        session.recorder.chunk("c2s", line, at)
        bridge.post(line, reply_errors=False)
        return
    decision = gate.check_c2s(line, msg) if gate.gates_c2s else None
    if decision is not None:
        session.recorder.line("c2s", line, msg, at, decision.note)
        if decision.reply is not None:
            bridge._write(decision.reply)
        if decision.forward is None:
            return
        line = decision.forward
    else:
        session.recorder.line("c2s", line, msg, at, gate.audit_note(msg))
    is_request = isinstance(msg, dict) and isinstance(msg.get("method"), str) and "id" in msg
    if is_request and msg.get("method") != "initialize":
        pool.submit(bridge.post, line)
    else:
        bridge.post(line)
