# Windows install step for hardener (run as an administrator / SYSTEM by the MDM after the files
# are in place): registers the "at log on" task for the Users group, rendered from hardener's one
# template source. The agent runs as each user (a SYSTEM service cannot read their Credential
# Manager vault). Idempotent.
param(
  [string]$Hardener = "$env:ProgramFiles\hardener\hardener.exe"
)
$ErrorActionPreference = "Stop"
if (-not (Test-Path $Hardener)) {
  Write-Error "hardener is not installed at $Hardener"
  exit 1
}
& $Hardener -q daemon install --scope global
exit $LASTEXITCODE
