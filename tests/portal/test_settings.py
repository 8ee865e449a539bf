"""Production settings pass Django's deployment checks; the portal refuses to run without PostgreSQL."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "HTTPS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_values():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="a-production-secret-" + "x" * 40 + "-9f8e7d6c5b4a",
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="k" * 50)
    assert result.stdout.strip().endswith("False"), result.stderr


def test_a_non_postgres_database_is_refused():
    result = run_manage("check", SECRET_KEY="k" * 50, DATABASE_URL="sqlite:///tmp/portal.sqlite3")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_a_missing_database_url_is_explained():
    result = run_manage("check", SECRET_KEY="k" * 50, DATABASE_URL="")
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
