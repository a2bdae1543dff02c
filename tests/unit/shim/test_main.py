"""The shim's command line: argv after '--' is kept exactly; usage errors exit 2 on stderr."""

from __future__ import annotations

import pytest

from hardener.shim.main import Options, main, parse_args
from hardener.shim.summaries import oversized_hints


def test_argv_after_the_separator_is_kept_exactly() -> None:
    opts = parse_args(
        ["--client", "cursor", "--server=files", "--", "npx", "-y", "--", "a b", "--client"]
    )
    assert isinstance(opts, Options)
    assert (opts.client, opts.server, opts.url) == ("cursor", "files", None)
    assert opts.command == ["npx", "-y", "--", "a b", "--client"]


def test_bridge_options() -> None:
    opts = parse_args(
        [
            "--client",
            "c",
            "--server",
            "s",
            "--url",
            "https://x/mcp",
            "--header",
            "Authorization: Bearer t",
            "--header=X-A:1",
        ]
    )
    assert opts.url == "https://x/mcp"
    assert opts.headers == ["Authorization: Bearer t", "X-A:1"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--server", "s", "--", "x"],
        ["--client", "c", "--server", "s"],
        ["--client", "c", "--server", "s", "--url", "u", "--", "x"],
        ["--client", "c", "--server", "s", "--header", "nocolon", "--url", "u"],
        ["--client", "c", "--server", "s", "--bogus", "--", "x"],
        ["--client"],
    ],
)
def test_usage_errors_exit_2_without_stdout(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: hardener-shim" in err


def test_hints_from_the_ends_of_a_line_too_large_to_parse() -> None:
    head = b'{"jsonrpc":"2.0","id":"r-9","method":"tools/call","params":{"name":"upload","arguments":{"blob":"xxxx'
    tail = b'xxxx"}}}'
    assert oversized_hints(head, tail) == {
        "id": "r-9",
        "method": "tools/call",
        "name": "upload",
        "is_error": False,
    }
    result_head = b'{"result":{"content":[{"type":"text","text":"yyyy'
    result_tail = b'yyyy"}],"isError":true},"jsonrpc":"2.0","id":12}'
    hints = oversized_hints(result_head, result_tail)
    assert hints["id"] == 12
    assert hints["method"] is None
    assert hints["is_error"] is True
