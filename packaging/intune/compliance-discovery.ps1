# Intune custom compliance discovery script for hardener (Windows). Prints one line of compact
# JSON; compliance-rules.json evaluates it. Always exits 0: the rules decide.
param(
  [string]$Hardener = "$env:ProgramFiles\hardener\venv\Scripts\hardener.exe"
)
if (-not (Test-Path $Hardener)) {
  Write-Output '{"compliant":false,"verdict":"not-installed"}'
  exit 0
}
& $Hardener status --format intune --all-users 2>$null | Select-Object -Last 1
exit 0
