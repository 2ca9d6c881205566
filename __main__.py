"""The governance provider plugin, run by the Python language host (see PulumiPlugin.yaml)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from provider.main import main

main()
