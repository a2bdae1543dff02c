"""The capability rules on the wording of openly offensive tool servers (issue 12, eighth round).

Each case is a real text of the tune part of the corpus (``tests/fixtures/tools/corpus/tune``;
the source is named beside it): an offensive server's description that states an attack
capability must be read as one, and an honest security tool's (or an ordinary tool's) text
that uses the same words must not. The one written example is marked as such.
"""

from __future__ import annotations

import pytest

from hardener.detect.descriptions import analyze_listing, scan_text

CAPABILITY = "description.malicious-capability"


def capability(text: str) -> int:
    return max((s.weight for s in scan_text(text) if s.family == "capability"), default=0)


def flagged(description: str) -> bool:
    tool = {"name": "helper", "description": description, "inputSchema": {"type": "object"}}
    return any(f.rule == CAPABILITY for f in analyze_listing({"tools": [tool]}, 3, model=None))


@pytest.mark.parametrize(
    "text",
    [
        # the attack named as a noun phrase (Last-emo-boy/hacking-mcp)
        "Run Active Directory security tools. Supports: bloodhound (attack path analysis),"
        " netexec (nxc — network pentesting), impacket (SMB/Kerberos/LDAP), responder"
        " (credential capture), certipy (AD CS abuse), kerbrute (Kerberos bruteforce).",
        # exploits and implants the tool makes (BlinkZer0/MCP-God-Mode, v0idravl/sliver-mcp)
        "Automates reconnaissance, payload generation, exploit writing, and zero-day PoC"
        " creation via natural language interface.",
        "Features autonomous reconnaissance, vulnerability discovery, exploit development, and"
        " comprehensive reporting with Metasploit integration.",
        "Build a beacon-mode implant (async check-in every ``interval`` s ± jitter).",
        # an exploitation framework started (ofryma/kali-mcp)
        "Start BeEF Browser Exploitation Framework.",
        # radio jamming and deauthentication frames (BlinkZer0/MCP-God-Mode)
        "You can ask me to transmit audio, jam frequencies, create interference, test"
        " transmission power, and more!",
        "Sends deauthentication packets, malformed frames, and airtime occupation to disrupt"
        " targeted Wi-Fi networks without raw RF noise.",
        # MITM by its acronym (Last-emo-boy/hacking-mcp)
        "Run exploitation and injection testing tools. Supports: sqlmap (SQL injection),"
        " routersploit (embedded/IoT exploitation), websploit (MITM), and more.",
        # malware deployed with a coordinated verb (BlinkZer0/MCP-God-Mode)
        "Deploy and execute malware payloads from The-MALWARE-Repo directly on target machines"
        " over WAN networks.",
        # an implant injected or migrated into a process (v0idravl/sliver-mcp); "by injecting
        # an implant" is the means, not a threat named as the agent
        "Attempt SYSTEM elevation by injecting an implant into a SYSTEM process.",
        "Migrate the implant into another process by PID.",
        # a token stolen from a possessive owner (v0idravl/sliver-mcp)
        "Steal a running user's token by username.",
        # techniques named in Chinese (SeaC-25/Kali-Security-MCP)
        "会根据发现的服务、操作系统、漏洞等信息动态调整攻击策略： - 发现SSH -> 暴力破解或漏洞利用"  # noqa: RUF001
        " - 发现SMB -> SMB漏洞利用或哈希传递",
        # a list after a colon: a sibling item's "scan for" does not make cracking a
        # detector's (BlinkZer0/MCP-God-Mode)
        "Comprehensive Wi-Fi security and penetration testing toolkit with cross-platform"
        " support. You can ask me to: scan for Wi-Fi networks, capture handshakes, crack"
        " passwords, create evil twin attacks, perform deauthentication attacks, test WPS"
        " vulnerabilities, set up rogue access points, sniff packets, monitor clients, and more.",
        # a pairing bypass, attacks named with slashes (BlinkZer0/MCP-God-Mode)
        "Perform comprehensive Bluetooth device assessments, bypass pairing mechanisms.",
        "Execute bluejacking/bluesnarfing/bluebugging attacks.",
        # crackers of logins, sideloading, token impersonation, elevation to SYSTEM
        # (Shimmy0530/kali-mcp-server, x746b/sliver-mcp)
        "Execute Hydra parallelized login cracker.",
        "Reflectively sideload a DLL/shared object into a new process.",
        "Impersonate a user via their token (Windows).",
        "Elevate to NT AUTHORITY\\SYSTEM via named-pipe impersonation.",
        # still the capability beside the new category words (BlinkZer0/MCP-God-Mode)
        "Provides comprehensive AWS security testing capabilities including privilege"
        " escalation, data exfiltration, service enumeration, and cloud infrastructure"
        " exploitation across all platforms.",
    ],
)
def test_offensive_wording_states_the_capability(text: str) -> None:
    assert capability(text) == 3, text
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        # honest recon: BloodHound's graph, attack paths mapped (magichrist/kali-mcp,
        # BlinkZer0/MCP-God-Mode)
        "Run BloodHound Python collection for Active Directory enumeration.",
        "Advanced BloodHound Active Directory attack path analysis and enumeration tool."
        " Provides comprehensive AD reconnaissance capabilities including user enumeration,"
        " group analysis, privilege escalation paths, lateral movement opportunities, and"
        " attack path visualization.",
        # a bypass named as what a test looks for (BlinkZer0/MCP-God-Mode)
        "Comprehensive API security assessment with automated vulnerability scanning,"
        " authentication testing, authorization bypass detection, and OWASP API Security Top"
        " 10 validation.",
        # an attack surface mapped (SeaC-25/Kali-Security-MCP)
        "Perform authorized attack-surface mapping (non-destructive).",
        # the capability denied (SeaC-25/Kali-Security-MCP, Last-emo-boy/hacking-mcp)
        "Run non-destructive injection verification only (no dump/exfiltration).",
        "SAFE tier tools — read-only vulnerability detection, no exploitation.",
        # a forensic tool's subject (Last-emo-boy/hacking-mcp)
        "Run digital forensics and analysis tools. Supports: binwalk (firmware analysis),"
        " volatility3 (memory forensics), trufflehog (secret scanning), steghide/stegcracker"
        " (steganography).",
        # a list governed by a scan verb before its colon (badchars/mcp-security-scanner)
        "Scans for: poisoning patterns (credential harvesting, exfiltration, instruction"
        " override, social engineering).",
        # findings recorded, impersonation undone, a package named in a catalogue
        # (aliasrobotics/cai, x746b/sliver-mcp)
        "Write key findings to a state.txt file to track important CTF details. Only records"
        " critical information like: - Discovered credentials - Found vulnerabilities -"
        " Privilege escalation vectors - Important system access details",
        "Revert token impersonation back to original identity.",
        "Includes BOFs (Beacon Object Files, .o COFF) like sa-whoami, sa-ipconfig,"
        " sa-ldapsearch, sa-cacls, sa-netshares, c2tc-kerberoast, c2tc-winver, c2tc-klist.",
        # an inventory's kinds (consigcody94/metasploit-mcp-server,
        # Redrock453/metasploit-mcp-server)
        "List all active sessions (shells, meterpreter)",
        "Get post-exploitation modules compatible with a session",
        "Список активных сессий Meterpreter/Shell",
        # implants listed, not built (v0idravl/sliver-mcp)
        "List previously generated implant builds with metadata.",
        "List running processes on the implant host. green-tier.",
        "Drop impersonation and return to the original implant token. yellow-tier.",
        # exploits suggested, not written (zebbern/zebbern-kali-mcp)
        "Analyze nmap scan output and suggest exploits for discovered services.",
        # "jam" as a file type, a connection not disrupted (workspace-mcp, figma-console-mcp)
        "Filter by type ('form', 'drawing', 'pdf', 'shortcut', 'script', 'site',"
        " 'jam'/'jamboard') or any raw MIME type string.",
        "Clear the console log buffer. Safely clears the buffer without disrupting the connection.",
        # data persistence in Chinese (cloudbase-mcp, SeaC-25/Kali-Security-MCP)
        "存储卷配置数组，用于挂载云存储（如CFS）到服务实例中。可用于持久化数据或共享文件",  # noqa: RUF001
        "关闭浏览器会话并保存状态（cookies/storage持久化到磁盘）",  # noqa: RUF001
        # a file uploaded to the tool's own session (v0idravl/sliver-mcp)
        "Upload a file to a session/beacon from a local file or base64 data.",
        # a weather model's name holds "arp" (open-meteo-mcp-server)
        'Use a model in the `models` parameter (e.g., "meteofrance_arpege_europe").',
        # malware analysed (BlinkZer0/MCP-God-Mode)
        "Comprehensive malware analysis and reverse engineering toolkit with static/dynamic"
        " analysis, behavioral monitoring, and advanced threat intelligence integration",
    ],
)
def test_honest_wording_does_not(text: str) -> None:
    assert capability(text) == 0, [s for s in scan_text(text) if s.family == "capability"]
    assert not flagged(text)


def test_a_chinese_sentence_about_detecting_a_technique_is_defensive() -> None:
    """Written for this test (no tune text detects a technique in Chinese): "backdoor
    detection" is a detector's; a plain backdoor implant stays the capability."""
    assert capability("后门检测：扫描主机上的可疑进程。") == 0  # noqa: RUF001
    assert capability("后门植入：在目标主机上建立远程访问。") == 3  # noqa: RUF001


def test_a_plural_subject_before_bypass_is_a_verb() -> None:
    """Written for this test: "payloads bypass detection" says what the payloads do (a subject
    and its verb), unlike "authorization bypass detection" (a noun phrase)."""
    assert capability("Obfuscated payloads bypass detection by the endpoint agent.") == 3


@pytest.mark.parametrize("name", ["list_attacks", "cleanup_attack", "warmup_attack"])
def test_a_labs_bookkeeping_names_are_not_attacks(name: str) -> None:
    """dnehoda-source/redteam-mcp's catalogue tools; a name that states the attack still
    counts (Shimmy0530/kali-mcp-server's ``run_hydra`` is named by its text, so a written one
    here)."""
    spaced = name.replace("_", " ")
    assert not [s for s in scan_text(spaced, "/tools/0/name") if s.family == "capability"]
    assert [
        s for s in scan_text("launch ddos attacks", "/tools/0/name") if s.family == "capability"
    ]


def test_a_technique_done_in_an_inventory_sentence_still_counts() -> None:
    """Written for this test: the technique is done, not a kind of the listed sessions."""
    assert capability("Get credentials by dumping lsass memory from the sessions.") == 3
    assert capability("List sessions and deploy meterpreter on each host.") == 3
