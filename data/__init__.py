"""Package data, installed as ``archiver.data``: site profiles (sites/) and the demo site (demo/).

Code finds them through this package (a checkout and an installed wheel alike), never through
a path relative to the current directory. The demo generator scripts are not installed."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITES_DIR = ROOT / "sites"
DEMO_DIR = ROOT / "demo"
