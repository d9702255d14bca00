import os
import shutil
import subprocess

import pytest

from tests.helpers import BASE_DIR


def test_docker_compose_file_is_valid():
    if shutil.which("docker-compose"):
        cmd = ["docker-compose", "config", "-q"]
    elif (
        shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        cmd = ["docker", "compose", "config", "-q"]
    else:
        pytest.skip("docker-compose 未安装（apt-get install docker-compose），跳过 compose 文件校验")
    env = {**os.environ, "SECRET_KEY": "x" * 50, "AUDIT_KEY": "y" * 50}
    result = subprocess.run(cmd, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "postgres" in (BASE_DIR / "docker-compose.yml").read_text()


def test_compose_app_connects_as_the_app_role_and_migrates_as_owner():
    """Issue 11 §3: web, worker and beat use the role that cannot rewrite the audit trail; the
    one-shot migrate service runs as the owner and grants it; the audit key and anchors are set."""
    import yaml

    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://portal_app:"), name
        assert env["AUDIT_KEY"].startswith("${AUDIT_KEY:?") and env["AUDIT_ANCHOR_DIR"] == "/data/audit", name
        assert "audit:/data/audit" in services[name]["volumes"], name
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert "migrate" not in str(services[name]["command"]), name
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://portal:")
    assert "manage.py migrate" in str(migrate["command"]) and "grant_app_role" in str(migrate["command"])
    assert "./deploy/postgres-init:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    assert (BASE_DIR / "deploy" / "postgres-init" / "10-app-role.sh").exists()


def test_ci_calls_the_readme_test_command():
    assert "make test" in (BASE_DIR / ".ci" / "run").read_text()
    readme = (BASE_DIR / "README.md").read_text()
    assert readme.index("make run") < 400 and readme.index("make test") < 600
