import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CSHUB_DEMO", "DEBUG", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "SECRET_KEY")
    }
    env.update(
        {
            "SECRET_KEY": "p" * 20 + "-production-like-secret-key-0123456789-abcdefgh",
            "ALLOWED_HOSTS": "cshub.example.org",
            "CSHUB_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "cshub.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "cshub", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CSHUB_DEMO", "DEBUG", "SECRET_KEY")}
    env.update({"CSHUB_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cshub.settings"})
    result = subprocess.run(
        [sys.executable, "-m", "cshub", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_cookies_are_host_only(tmp_path):
    """ASVS 3.4.4: the session and CSRF cookies carry the "__Host-" prefix in production."""
    env = {k: v for k, v in os.environ.items() if k not in ("CSHUB_DEMO", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {
            "SECRET_KEY": "p" * 20 + "-production-like-secret-key-0123456789-abcdefgh",
            "ALLOWED_HOSTS": "cshub.example.org",
            "CSHUB_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "cshub.settings",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cshub",
            "shell",
            "-v",
            "0",
            "-c",
            "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["__Host-cshub-session", "__Host-cshub-csrf"], result.stderr
