"""tools/audit.py (`make audit`): a vulnerability database that cannot be reached is said to be
not checked, never "no known vulnerabilities"; a real finding fails; a network failure does not."""

import importlib.util
import json
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[3] / "tools" / "audit.py"
spec = importlib.util.spec_from_file_location("cshub_audit_tool", PATH)
assert spec is not None and spec.loader is not None
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

# What pip-audit 2.10 printed on this project's machines (PyPI's index reachable through a mirror,
# its JSON API not): every package skipped, and exit code 0 with "No known vulnerabilities found".
ALL_SKIPPED = json.dumps(
    {
        "dependencies": [
            {
                "name": "django",
                "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)",
            },
            {
                "name": "tqdm",
                "skip_reason": "Dependency not found on PyPI and could not be audited: tqdm (4.70.1)",
            },
        ],
        "fixes": [],
    }
)
OSV_DOWN = (
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries "
    "exceeded with url: /v1/query (Caused by NameResolutionError(...))"
)
NPM_405 = json.dumps(
    {
        "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        "statusCode": 405,
        "body": "",
    }
)
NPM_405_STDERR = "npm warn audit 405 Method Not Allowed\nnpm error audit endpoint returned an error\n"


def npm_report(total: int) -> str:
    vulnerabilities = {"tar": {"name": "tar", "severity": "high", "via": []}} if total else {}
    return json.dumps(
        {
            "auditReportVersion": 2,
            "vulnerabilities": vulnerabilities,
            "metadata": {
                "vulnerabilities": {
                    "info": 0,
                    "low": 0,
                    "moderate": 0,
                    "high": total,
                    "critical": 0,
                    "total": total,
                },
                "dependencies": {"total": 42},
            },
        }
    )


def said(outcome) -> str:
    return " ".join([outcome.summary, *outcome.details])


def test_pip_audit_skipping_every_package_is_not_checked():
    outcome = audit.pip_audit_outcome(0, ALL_SKIPPED, "No known vulnerabilities found\n", "pypi")
    assert outcome.status == "unreachable"
    assert said(outcome).startswith("could not reach the vulnerability database: not checked")
    assert "no known vulnerabilities" not in said(outcome).lower()


def test_pip_audit_that_cannot_connect_is_not_checked():
    outcome = audit.pip_audit_outcome(1, "", OSV_DOWN, "osv")
    assert outcome.status == "unreachable" and "not checked" in outcome.summary


def test_pip_audit_finding_fails():
    report = json.dumps(
        {
            "dependencies": [
                {
                    "name": "django",
                    "version": "5.2.1",
                    "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.2"]}],
                },
                {"name": "tqdm", "version": "4.70.1", "vulns": []},
            ]
        }
    )
    outcome = audit.pip_audit_outcome(1, report, "", "pypi")
    assert outcome.status == "found"
    assert outcome.details == ["django 5.2.1: PYSEC-2099-1 (fixed in 5.2.2)"]
    assert audit.exit_code([outcome], require_database=False) == 1


def test_pip_audit_clean_says_what_it_checked_and_what_it_could_not():
    report = json.dumps(
        {
            "dependencies": [
                {"name": "tqdm", "version": "4.70.1", "vulns": []},
                {"name": "private", "skip_reason": "Dependency not found on PyPI and could not be audited"},
            ]
        }
    )
    outcome = audit.pip_audit_outcome(0, report, "", "pypi")
    assert outcome.status == "clean"
    assert outcome.summary.startswith("1 packages checked against the pypi vulnerability database")
    assert outcome.details == ["not checked: private"]


def test_pip_audit_broken_otherwise_is_an_error():
    outcome = audit.pip_audit_outcome(2, "", "pip_audit: error: unrecognized arguments: --bogus", "pypi")
    assert outcome.status == "error"
    assert audit.exit_code([outcome], require_database=False) == 2


def test_npm_audit_endpoint_refused_is_not_checked():
    outcome = audit.npm_audit_outcome(1, NPM_405, NPM_405_STDERR)
    assert outcome.status == "unreachable" and outcome.summary.startswith(audit.NOT_CHECKED)
    assert "no known vulnerabilities" not in said(outcome).lower()


@pytest.mark.parametrize(("total", "status"), [(0, "clean"), (3, "found")])
def test_npm_audit_report(total, status):
    outcome = audit.npm_audit_outcome(1 if total else 0, npm_report(total), "")
    assert outcome.status == status
    if total:
        assert outcome.details == ["tar: high"]
    else:
        assert outcome.summary == "42 packages checked: no known vulnerabilities"


def test_bandit_findings_fail_and_a_clean_run_passes():
    found = audit.bandit_outcome(1, "cshub/x.py:3 B602 HIGH subprocess call with shell=True\n", "")
    assert found.status == "found" and found.details == [
        "cshub/x.py:3 B602 HIGH subprocess call with shell=True"
    ]
    assert audit.bandit_outcome(0, "", "").status == "clean"
    assert audit.bandit_outcome(2, "", "bandit: error: bad config").status == "error"


def test_a_network_failure_does_not_fail_ci_but_a_finding_does():
    down = audit.Outcome("npm audit", "unreachable", audit.NOT_CHECKED)
    clean = audit.Outcome("bandit", "clean", "no findings in cshub/")
    found = audit.Outcome("pip-audit", "found", "known vulnerabilities in 1 packages")
    assert audit.exit_code([clean, down], require_database=False) == 0
    assert audit.exit_code([clean, down], require_database=True) == 3
    assert audit.exit_code([down, found], require_database=False) == 1
