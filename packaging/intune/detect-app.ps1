# Intune Win32 app detection rule (custom script) for the hardener MSI: Intune treats the app as
# installed when this exits 0 AND writes something to stdout. Checks that the agent's launcher
# runs and is the expected version, so a half-finished install (no venv) is "not installed".
param(
  [string]$Hardener = "$env:ProgramFiles\hardener\venv\Scripts\hardener.exe",
  [string]$Version = ""
)
if (-not (Test-Path $Hardener)) { exit 1 }
$installed = (& $Hardener --version 2>$null | Select-Object -Last 1)
if ($LASTEXITCODE -ne 0 -or -not $installed) { exit 1 }
if ($Version -and ($installed -notmatch [regex]::Escape($Version))) { exit 1 }
Write-Output "hardener installed: $installed"
exit 0
