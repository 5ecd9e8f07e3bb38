"""Loaded by pytest (`-p taizhang.core.testing_env`) before Django settings are read.

The suite runs as a development machine; settings refuse to start without a secret otherwise.
"""

import os

os.environ.setdefault("TAIZHANG_DEV", "1")
