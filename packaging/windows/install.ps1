# hardener MSI install step (deferred custom action, runs as LocalSystem after the files are in
# place; an MDM can also run it by hand as an administrator). Idempotent.
#
# 1. Finds a Python 3.11+ installed for all users (-Python / HARDENER_PYTHON, else the PEP 514
#    registry entries under HKLM, else %ProgramFiles%\Python3XX). Deploy python.org's installer
#    with InstallAllUsers=1 first.
# 2. Makes %ProgramFiles%\hardener\venv from the wheels the MSI carries: offline, pinned
#    (requirements.lock), so the users' Python never matters.
# 3. Registers the "at log on" task for the Users group (`hardener daemon install --scope global`,
#    rendered from hardener's one template source): the agent runs as each user, because a
#    LocalSystem service cannot read their Credential Manager vault. Its first start hardens that
#    user's client configs per policy. Nothing of any user's is touched here.
param(
  [string]$Python = $env:HARDENER_PYTHON
)
$ErrorActionPreference = "Stop"
$App = Split-Path -Parent $MyInvocation.MyCommand.Path

function Find-Python {
  if ($Python) { return $Python }
  foreach ($minor in 14, 13, 12, 11) {
    foreach ($key in "HKLM:\SOFTWARE\Python\PythonCore\3.$minor\InstallPath",
                     "HKLM:\SOFTWARE\WOW6432Node\Python\PythonCore\3.$minor\InstallPath") {
      $exe = (Get-ItemProperty -Path $key -ErrorAction SilentlyContinue).ExecutablePath
      if ($exe -and (Test-Path $exe)) { return $exe }
    }
    $candidate = Join-Path $env:ProgramFiles "Python3$minor\python.exe"
    if (Test-Path $candidate) { return $candidate }
  }
  return $null
}

$py = Find-Python
if (-not $py) {
  Write-Error "hardener: no Python 3.11+ installed for all users; deploy it first (python.org installer, InstallAllUsers=1)"
  exit 1
}
$venv = Join-Path $App "venv"
if (Test-Path $venv) { Remove-Item -Recurse -Force $venv }
& $py -m venv $venv
if ($LASTEXITCODE -ne 0) { exit 1 }
$vpy = Join-Path $venv "Scripts\python.exe"
$wheels = Join-Path $App "wheels"
& $vpy -m pip -q --disable-pip-version-check install --no-index --find-links $wheels --only-binary=:all: -r (Join-Path $App "requirements.lock")
if ($LASTEXITCODE -ne 0) { exit 1 }
$wheel = Get-ChildItem $wheels -Filter "hardener-*.whl" | Select-Object -First 1
& $vpy -m pip -q --disable-pip-version-check install --no-index --no-deps $wheel.FullName
if ($LASTEXITCODE -ne 0) { exit 1 }
$hardener = Join-Path $venv "Scripts\hardener.exe"
& $hardener -q daemon install --scope global
exit $LASTEXITCODE
