import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The compiled-pack cache (engine/packcache.py) of the test session lives in a folder of its own,
# never in the user's ~/.cache; the CLI subprocesses the tests start inherit it.
if "JIXIAO_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["JIXIAO_CACHE_DIR"] = tempfile.mkdtemp(prefix="jixiao-test-cache-")
SEED = "cases/2022/lukou-gsl.yaml"
NATIONAL = "rules/national-2020"


@pytest.fixture
def in_root(monkeypatch):
    """Run from the repository root so paths in results are the short relative ones."""
    monkeypatch.chdir(ROOT)
    return ROOT


def update_golden() -> bool:
    """Golden files are rewritten only when asked: JIXIAO_UPDATE_GOLDEN=1 (then review the diff)."""
    return os.environ.get("JIXIAO_UPDATE_GOLDEN") == "1"


def pytest_collection_modifyitems(config, items):
    """End-to-end tests (marker e2e) need headless Chromium: without it they are skipped, with a
    reason that `pytest -ra` (the default here) prints."""
    import shutil

    if shutil.which("chromium"):
        return
    skip = pytest.mark.skip(reason="e2e: `chromium` is not installed; `make e2e` installs it and runs these tests")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)
