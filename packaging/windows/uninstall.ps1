# hardener MSI removal step (deferred custom action, LocalSystem, before the files go; not on
# upgrades). An MDM can also run it by hand as an administrator.
#
# Deletes the logon task, stops every user's agent, then restores every user's client configs
# (`hardener restore --yes` for each profile with hardener state). If a restore fails it exits 1
# and the MSI rolls the removal back (configs still point at an installed shim); -Force "1"
# (msiexec property HARDENERFORCE=1) removes anyway. -Purge "1" (HARDENERPURGE=1) also deletes
# each user's hardener state, only when the managed policy allows it
# (HKLM\SOFTWARE\Policies\hardener PolicyToml with uninstall.purge_state = true).
#
# Windows gives a LocalSystem process no way to act as a logged-off user, so the restore runs as
# LocalSystem with that profile's folders; every write is hardener's usual entry-by-entry splice.
param(
  [string]$Force = "",
  [string]$Purge = ""
)
$App = Split-Path -Parent $MyInvocation.MyCommand.Path
$hardener = Join-Path $App "venv\Scripts\hardener.exe"
if (-not (Test-Path $hardener)) { exit 0 }

& $hardener -q daemon uninstall --scope global
Get-CimInstance Win32_Process -Filter "Name = 'hardener.exe'" |
  Where-Object { $_.CommandLine -like "*daemon run*" } |
  ForEach-Object { Stop-Process -Id $_.ProcessId -Force -ErrorAction SilentlyContinue }

$userProfiles = Get-CimInstance Win32_UserProfile |
  Where-Object { -not $_.Special -and $_.LocalPath -and (Test-Path (Join-Path $_.LocalPath "AppData\Local\hardener")) }
$failed = @()
foreach ($userProfile in $userProfiles) {
  $profileDir = $userProfile.LocalPath
  $env:USERPROFILE = $profileDir
  $env:HOME = $profileDir
  $env:APPDATA = Join-Path $profileDir "AppData\Roaming"
  $env:LOCALAPPDATA = Join-Path $profileDir "AppData\Local"
  & $hardener -q restore --yes
  if ($LASTEXITCODE -ne 0) { $failed += $profileDir }
}
if ($failed.Count -gt 0 -and $Force -ne "1") {
  Write-Error ("hardener: restoring failed for " + ($failed -join ", ") + "; not removing (HARDENERFORCE=1 to remove anyway)")
  exit 1
}
if ($Purge -eq "1") {
  $policy = & $hardener policy show --json | ConvertFrom-Json
  $setting = $policy.settings."uninstall.purge_state"
  if ($setting.value -eq $true -and "$($setting.source)".StartsWith("managed")) {
    foreach ($userProfile in $userProfiles) {
      Remove-Item -Recurse -Force (Join-Path $userProfile.LocalPath "AppData\Local\hardener") -ErrorAction SilentlyContinue
    }
  }
}
Remove-Item -Recurse -Force (Join-Path $App "venv") -ErrorAction SilentlyContinue
exit 0
