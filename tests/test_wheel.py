"""The wheel ships the stylesheets, and an installed package finds them (not only a checkout)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_the_stylesheets_and_the_installed_package_finds_them(tmp_path):
    # Offline: no build isolation, so the backend comes from the dev extras already installed.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    [wheel] = tmp_path.glob("sakari_tui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {name for name in names if name.startswith("sakari_tui/styles/")}
    expected = {f"sakari_tui/styles/{sheet.name}" for sheet in (ROOT / "styles").glob("*.tcss")}
    assert expected and expected <= shipped
    # Unpacked on its own (as site-packages would hold it), the package's locator points inside it.
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    found = subprocess.run(
        [sys.executable, "-c", "from sakari_tui.ui.styles import stylesheet; print(stylesheet('app.tcss'))"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert Path(found) == unpacked / "sakari_tui" / "styles" / "app.tcss" and Path(found).is_file()
