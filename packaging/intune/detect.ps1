# Intune Remediations detection script for hardener (runs as SYSTEM or the user).
#
# Intune reads the last line of stdout (at most 2048 characters) and the exit code:
# exit 1 = issue found (non-compliant or unknown), 0 = fine. Any stderr output turns the run into
# a script error, so hardener prints nothing there in this format.
param(
  [string]$Hardener = "$env:ProgramFiles\hardener\venv\Scripts\hardener.exe"
)
if (-not (Test-Path $Hardener)) {
  Write-Output '{"compliant":false,"verdict":"not-installed"}'
  exit 1
}
$line = & $Hardener status --format intune --all-users 2>$null | Select-Object -Last 1
$code = $LASTEXITCODE
Write-Output $line
if ($code -eq 0) { exit 0 } else { exit 1 }
