"""No credential in the repository, and none, nor any person's address or name, in what a
build leaves behind (target/, logs/dbt.log).

The repository scan reads the files git would commit (tracked, or new and not ignored;
`git ls-files`, read-only). The build runs on a copy of the SMALL data set with the
profile's password set to a marker (the dev server trusts local
connections, so the password is sent and ignored): seeds, `dbt run-operation
create_roles`, build and `dbt docs generate`, with dbt's file log at its default (debug)
level. Then the marker must appear in no file of target/ or logs/, and no email address or
full name of people.people_master in catalog.json, manifest.json, index.html or dbt.log.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from dataclasses import replace

import pytest

import databases
import datasets
import support

T0 = support.DEMO_AS_OF
EMAIL = re.compile(rb"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A credential written into a file: a quoted literal or a bare YAML/INI value after a
# password/secret/token key (templated values such as {{ env_var(...) }} are fine), a
# password inside a connection URI, a shell assignment of one, or a well-known key format.
SECRET_PATTERNS = {
    "quoted password/secret/token literal": re.compile(
        r"""(?i)\b(?:password|passwd|pwd|secret|api[_-]?key|token)\b["']?\s*[:=]\s*["'](?![{$"'])([^"'\n]{3,})["']"""
    ),
    "bare password/secret value in YAML": re.compile(
        r"""(?im)^\s*(?:password|passwd|secret|api[_-]?key|token)\s*:\s*(?!["'{$<…]|env_var|\s*$)([^\s#]{3,})"""
    ),
    "password in a connection URI": re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^@\s/'\"{$]{2,})@"),
    "shell assignment of a password": re.compile(
        r"""(?m)\b[A-Z_]*(?:PASSWORD|SECRET|TOKEN)[A-Z_]*=(?!["']?[$…{\s]|["']{2})["']?([^\s"'…]{3,})"""
    ),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
}


def _repository_files() -> list[str]:
    git = shutil.which("git")
    if git is None or not (support.PROJECT_DIR / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        [git, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=support.PROJECT_DIR,
        capture_output=True,
        check=True,
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


def find_secrets(text: str, python: bool = False) -> list[tuple[str, str]]:
    """What looks like a credential in `text`. In Python, `password: str` is a type."""
    return [
        (kind, match.group(0))
        for kind, pattern in SECRET_PATTERNS.items()
        if not (python and kind.startswith("bare"))
        for match in pattern.finditer(text)
    ]


def test_the_scanner_finds_what_it_looks_for():
    """The scan below can only pass because the repository is clean, not because it is blind."""
    value = "hunter" + "2"  # built at run time, so this file does not hold what it looks for
    leaks = [
        f"password: {value}",
        f'password: "{value}"',
        f"OUTREACH_PG_PASSWORD={value} dbt build",
        f"postgresql://builder:{value}@db.internal:5432/outreach",
        f'conn = connect(password="{value}")',
        "-----BEGIN RSA " + "PRIVATE KEY-----",
    ]
    for text in leaks:
        assert find_secrets(text), text
    assert not find_secrets(f"password: {value}", python=True)
    assert find_secrets(f'password = "{value}"', python=True)
    fine = [
        """password: "{{ env_var('OUTREACH_PG_PASSWORD', '') }}\"""",
        "password=env.get('OUTREACH_PG_PASSWORD', '')",
        "OUTREACH_PG_PASSWORD=… OUTREACH_PG_DATABASE=outreach",
        'if self.password and user is None: parts["password"] = self.password',
        "#   OUTREACH_PG_PASSWORD  its password (default empty)",
        "password=admin.password,",
        'f"postgresql://{user}:{password}@{host}"',
    ]
    for text in fine:
        assert not find_secrets(text), (text, find_secrets(text))


def test_no_credential_in_the_repository():
    found = []
    for name in _repository_files():
        path = support.PROJECT_DIR / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [(name, kind, snippet) for kind, snippet in find_secrets(text, python=name.endswith(".py"))]
    assert found == []


@pytest.fixture(scope="module")
def build_output(conn_settings, tmp_path_factory):
    """target/ and logs/ of a full build with the profile's password set to a marker."""
    marker = f"pw-marker-{uuid.uuid4().hex}"
    logs = tmp_path_factory.mktemp("dbt_logs")
    with databases.copy_of(conn_settings, datasets.SMALL, "leaks") as scratch:
        secret = replace(scratch, password=marker)
        # debug: the most a user can ask dbt to log (the project's default file level is info)
        log = ["--log-path", str(logs), "--log-level-file", "debug"]
        support.run_dbt(secret, ["run-operation", "create_roles", *log], T0)
        support.run_dbt(secret, ["seed", *log], T0)
        support.run_dbt(secret, [*support.PRODUCTION_BUILD, *log], T0)
        support.run_dbt(secret, ["docs", "generate", *log], T0)
        people = support.query(scratch, "select email, full_name from people.people_master")
        target = support.dbt_target_path(scratch)
        try:
            yield marker, target, logs, people
        finally:
            shutil.rmtree(target, ignore_errors=True)


def test_the_password_is_nowhere_in_the_build_output(build_output):
    marker, target, logs, _ = build_output
    files = [path for root in (target, logs) for path in root.rglob("*") if path.is_file()]
    assert any(path.name == "dbt.log" for path in files) and any(path.name == "manifest.json" for path in files)
    assert [str(path) for path in files if marker.encode() in path.read_bytes()] == []


def test_no_address_or_name_of_a_person_in_the_docs_or_the_log(build_output):
    _, target, logs, people = build_output
    emails = {email.strip().lower() for email, _ in people if email and "@" in email}
    names = {name.strip() for _, name in people if name and " " in name.strip()}
    assert len(emails) > 1_000 and len(names) > 1_000, "the data set should hold people"
    artifacts = [target / "catalog.json", target / "manifest.json", target / "index.html", logs / "dbt.log"]
    for path in artifacts:
        data = path.read_bytes()
        assert data, path
        assert people_in(data, emails, names) == [], f"{path.name} holds people's addresses or names"


def people_in(data: bytes, emails: set[str], names: set[str]) -> list[str]:
    """The addresses (compared lowercased) and full names of `emails` and `names` in `data`."""
    found = {match.decode(errors="replace").lower() for match in EMAIL.findall(data)} & emails
    text = data.decode("utf-8", errors="replace")
    # Every two capitalised words in a row (overlapping), then the longer names one by one.
    pairs = set(re.findall(r"(?=\b([A-Z][\w'’-]+ [A-Z][\w'’-]+)\b)", text))
    found |= pairs & names
    found |= {name for name in names if name.count(" ") > 1 and name in text}
    return sorted(found)


def test_people_in_finds_addresses_and_names():
    emails, names = {"omills@example.net"}, {"Olivia Mills", "Mary Ann Smith"}
    log = b'select 1 -- OMills@Example.net; "Olivia Mills"; Dr Mary Ann Smith; Olivia Millsap'
    assert people_in(log, emails, names) == ["Mary Ann Smith", "Olivia Mills", "omills@example.net"]
    assert people_in(b"Olivia Millsap <olivia@example.org>", emails, names) == []
