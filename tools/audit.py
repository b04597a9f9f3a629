"""`make audit`: bandit over cshub/, then pip-audit and npm audit against their vulnerability
databases (docs/operations.md, "Security audits in CI").

Each audit ends in one of four outcomes, said in plain words:
- clean: checked, nothing found;
- found: a bandit finding or a known vulnerability (exit 1: CI fails);
- unreachable: the vulnerability database could not be reached, so nothing was checked
  ("could not reach the vulnerability database: not checked"; exit 0, so a network failure
  does not fail CI; --require-database makes it exit 3);
- error: the tool failed for another reason (exit 2).

pip-audit is never taken at its word when it says "No known vulnerabilities found": where PyPI's
JSON API cannot be reached (a mirror serving only the package index), it skips every package
as "not found on PyPI" and still says that. Its JSON report is read instead, and a package it
skipped is a package not checked."""

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOT_CHECKED = "could not reach the vulnerability database: not checked"
# What a tool prints when the network, not the code, is at fault.
NETWORK = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|NameResolutionError|Max retries exceeded|"
    r"Temporary failure in name resolution|Name or service not known|Network is unreachable|"
    r"Connection refused|timed out|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|"
    r"audit endpoint returned an error|SSLError|CERT_",
)


@dataclass
class Outcome:
    tool: str
    status: str  # "clean", "found", "unreachable" or "error"
    summary: str
    details: list[str] = field(default_factory=list)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def bandit_outcome(returncode: int, stdout: str, stderr: str) -> Outcome:
    findings = [line for line in stdout.splitlines() if line.strip()]
    if returncode == 0 and not findings:
        return Outcome("bandit", "clean", "no findings in cshub/")
    if returncode == 1 and findings:
        return Outcome("bandit", "found", f"{len(findings)} findings in cshub/", findings)
    return Outcome("bandit", "error", f"bandit failed (exit code {returncode}): {_first_line(stderr)}")


def pip_audit_outcome(returncode: int, stdout: str, stderr: str, service: str) -> Outcome:
    report = _json(stdout)
    database = f"the {service} vulnerability database"
    if not isinstance(report, dict) or not isinstance(report.get("dependencies"), list):
        if NETWORK.search(stderr):
            return Outcome("pip-audit", "unreachable", f"{NOT_CHECKED} ({service}: {_first_line(stderr)})")
        return Outcome(
            "pip-audit", "error", f"pip-audit failed (exit code {returncode}): {_first_line(stderr)}"
        )
    packages = report["dependencies"]
    skipped = [p for p in packages if "skip_reason" in p]
    checked = [p for p in packages if "skip_reason" not in p]
    vulnerable = [p for p in checked if p.get("vulns")]
    if vulnerable:
        details = [
            f"{p['name']} {p.get('version', '')}: {v.get('id', '?')}"
            + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else " (no fix yet)")
            for p in vulnerable
            for v in p["vulns"]
        ]
        return Outcome("pip-audit", "found", f"known vulnerabilities in {len(vulnerable)} packages", details)
    if not checked:
        reason = skipped[0]["skip_reason"] if skipped else "no packages"
        return Outcome(
            "pip-audit",
            "unreachable",
            f"{NOT_CHECKED} ({service}: none of {len(skipped)} packages could be looked up, e.g. {reason!r})",
        )
    summary = f"{len(checked)} packages checked against {database}: no known vulnerabilities"
    if skipped:
        summary += f"; {len(skipped)} not checked (could not be looked up)"
        return Outcome("pip-audit", "clean", summary, [f"not checked: {p['name']}" for p in skipped])
    return Outcome("pip-audit", "clean", summary)


def npm_audit_outcome(returncode: int, stdout: str, stderr: str) -> Outcome:
    report = _json(stdout)
    if isinstance(report, dict) and isinstance(report.get("metadata"), dict) and "vulnerabilities" in report:
        counts = report["metadata"].get("vulnerabilities", {})
        total = int(counts.get("total", 0))
        packages = report["metadata"].get("dependencies", {}).get("total", "the")
        if total:
            details = [
                f"{name}: {item.get('severity', '?')}"
                for name, item in sorted(report["vulnerabilities"].items())
            ]
            return Outcome("npm audit", "found", f"{total} known vulnerabilities", details)
        return Outcome("npm audit", "clean", f"{packages} packages checked: no known vulnerabilities")
    said = stderr + (report.get("message", "") if isinstance(report, dict) else "")
    if NETWORK.search(said) or (isinstance(report, dict) and "statusCode" in report):
        return Outcome("npm audit", "unreachable", f"{NOT_CHECKED} ({_first_line(said)})")
    return Outcome("npm audit", "error", f"npm audit failed (exit code {returncode}): {_first_line(said)}")


def _run(command: list[str]) -> tuple[int, str, str]:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603 # fixed commands
    return done.returncode, done.stdout, done.stderr


def run_bandit() -> Outcome:
    code, out, err = _run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", "cshub", "-q", "-f", "custom",
         "--msg-template", "{relpath}:{line} {test_id} {severity} {msg}"]
    )  # fmt: skip
    # bandit warns about a `# nosec` on a line of a node it found nothing in: noise, not findings.
    err = "\n".join(line for line in err.splitlines() if "nosec encountered" not in line)
    return bandit_outcome(code, out, err)


def run_pip_audit() -> Outcome:
    """PyPI's vulnerability data first, then OSV's; not checked when neither answers."""
    reasons = []
    for service in ("pypi", "osv"):
        code, out, err = _run(
            [sys.executable, "-m", "pip_audit", "--skip-editable", "--format", "json",
             "--progress-spinner", "off", "--vulnerability-service", service]
        )  # fmt: skip
        outcome = pip_audit_outcome(code, out, err, service)
        if outcome.status != "unreachable":
            return outcome
        reasons.append(outcome.summary.removeprefix(NOT_CHECKED).strip(" ()"))
    return Outcome("pip-audit", "unreachable", NOT_CHECKED, reasons)


def run_npm_audit() -> Outcome:
    code, out, err = _run(["npm", "audit", "--json"])  # nosec B607 # npm from PATH, as make install uses it
    return npm_audit_outcome(code, out, err)


def exit_code(outcomes: list[Outcome], require_database: bool) -> int:
    statuses = {outcome.status for outcome in outcomes}
    if "found" in statuses:
        return 1
    if "error" in statuses:
        return 2
    if "unreachable" in statuses and require_database:
        return 3
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--require-database",
        action="store_true",
        help="exit 3 when a vulnerability database could not be reached (default: say so and exit 0)",
    )
    parser.add_argument("--only", choices=["bandit", "pip-audit", "npm-audit"], action="append")
    options = parser.parse_args(argv)
    runs = {"bandit": run_bandit, "pip-audit": run_pip_audit, "npm-audit": run_npm_audit}
    outcomes = []
    for name, run in runs.items():
        if options.only and name not in options.only:
            continue
        outcome = run()
        outcomes.append(outcome)
        sys.stdout.write(f"== {outcome.tool}: {outcome.summary}\n")
        for line in outcome.details:
            sys.stdout.write(f"   {line}\n")
        sys.stdout.flush()
    return exit_code(outcomes, options.require_database)


if __name__ == "__main__":
    sys.exit(main())
