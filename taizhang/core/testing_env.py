"""Loaded by pytest (`-p taizhang.core.testing_env`) before Django settings are read.

The suite runs as a development machine; settings refuse to start without a secret otherwise.
"""

import os

os.environ.setdefault("TAIZHANG_DEV", "1")

# Set only inside the test process (the browser tests' Playwright loop shares the ORM's
# thread); a process a test starts must not inherit it, or production mode rightly refuses
# to start (async.E001).
TEST_PROCESS_ONLY = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def child_env() -> dict[str, str]:
    """The environment for a process a test starts: this one's, less the test-only variables."""
    return {k: v for k, v in os.environ.items()
            if k not in TEST_PROCESS_ONLY and not k.startswith("PYTEST")}
