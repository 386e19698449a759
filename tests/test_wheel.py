"""The built wheel carries everything a fresh install needs, the demo database included.

The wheel is built without build isolation (setuptools is already here) and
installed with ``--no-deps`` into a scratch directory; a subprocess without ``site`` (so no editable install) that sees
only that directory plus the dependencies builds the demo and lists its tables,
so nothing can come from the checkout by accident.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_and_builds_the_demo(tmp_path: Path) -> None:
    dist, target, cache = tmp_path / "dist", tmp_path / "site", tmp_path / "cache"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)], check=True, capture_output=True)
    [wheel] = dist.glob("sqla_tui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"sqla_tui/demo_db/load.py", "sqla_tui/demo_db/models.py", "sqla_tui/tui/app.tcss"} <= names
    assert not any(name.startswith(("tests/", "demo_db/")) for name in names)
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]),
        "XDG_CACHE_HOME": str(cache),
    }
    probe = "import sqla_tui, sys; assert sqla_tui.__file__.startswith(sys.argv[1]), sqla_tui.__file__; from sqla_tui.launch import main; sys.argv = ['sqla-tui', 'schema', 'demo', '--json']; main()"
    result = subprocess.run([sys.executable, "-S", "-c", probe, str(target)], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "order_items" in {table["name"] for table in json.loads(result.stdout)["tables"]}
    assert (cache / "sqla-tui" / "demo.sqlite").exists()
