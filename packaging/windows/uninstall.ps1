# Windows removal step for hardener: deletes the logon task. Users' state is kept; run
# `hardener restore --yes` as each user first to put client configs back.
param(
  [string]$Hardener = "$env:ProgramFiles\hardener\hardener.exe"
)
if (Test-Path $Hardener) {
  & $Hardener -q daemon uninstall --scope global
}
exit 0
