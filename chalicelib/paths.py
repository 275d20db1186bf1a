"""Where the project's own files are: the folder that holds app.py, chalicelib/ and .chalice/.

Only what a developer runs reads beside the package (the admin's allow-list, tools, bench,
tests); deployed, this is the Lambda task root, which holds no .chalice/.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
