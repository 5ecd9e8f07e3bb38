import os
import subprocess
import sys

from django.db import connection


def test_the_suite_runs_on_the_database_named_by_database_url():
    # CI runs the suite twice; this makes sure the PostgreSQL run really is on PostgreSQL.
    url = os.environ.get("DATABASE_URL", "sqlite")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_production_mode_refuses_to_start_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "TAIZHANG_DEV")}
    env["TAIZHANG_VAR_DIR"] = str(tmp_path)  # no var/secret_key there
    result = subprocess.run(
        [sys.executable, "-c", "import taizhang.settings"], env=env, capture_output=True,
        text=True, check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_local_secret_file_is_used(tmp_path):
    (tmp_path / "secret_key").write_text("local-secret-0123456789\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "TAIZHANG_DEV")}
    env["TAIZHANG_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import taizhang.settings as s; print(s.SECRET_KEY, s.DEBUG)"],
        env=env, capture_output=True, text=True, check=False,
    )
    assert result.stdout.split() == ["local-secret-0123456789", "False"]
