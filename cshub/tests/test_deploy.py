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
