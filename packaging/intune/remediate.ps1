# Intune Remediations remediation script for hardener. Assign it with "Run this script using the
# logged-on credentials: Yes" (the agent must run as the user: it needs their Credential Manager
# vault). Starts the user's agent when it is not running (the logon task normally does that), then
# prints the compliance line Intune shows. Exit 0 when the agent runs afterwards.
param(
  [string]$Hardener = "$env:ProgramFiles\hardener\venv\Scripts\hardener.exe"
)
if (-not (Test-Path $Hardener)) {
  Write-Output '{"compliant":false,"verdict":"not-installed"}'
  exit 1
}
& $Hardener -q daemon status --json *> $null
if ($LASTEXITCODE -ne 0) {
  Start-Process -FilePath $Hardener -ArgumentList "daemon", "run" -WindowStyle Hidden
  Start-Sleep -Seconds 5
}
$line = & $Hardener status --format intune 2>$null | Select-Object -Last 1
Write-Output $line
& $Hardener -q daemon status --json *> $null
if ($LASTEXITCODE -eq 0) { exit 0 } else { exit 1 }
