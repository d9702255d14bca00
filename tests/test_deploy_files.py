import os
import shutil
import subprocess

import pytest

from tests.helpers import BASE_DIR


def test_docker_compose_file_is_valid():
    if shutil.which("docker-compose"):
        cmd = ["docker-compose", "config", "-q"]
    elif shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        cmd = ["docker", "compose", "config", "-q"]
    else:
        pytest.skip("docker-compose 未安装（apt-get install docker-compose），跳过 compose 文件校验")
    env = {**os.environ, "SECRET_KEY": "x" * 50}
    result = subprocess.run(cmd, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "postgres" in (BASE_DIR / "docker-compose.yml").read_text()


def test_ci_calls_the_readme_test_command():
    assert "make test" in (BASE_DIR / ".ci" / "run").read_text()
    readme = (BASE_DIR / "README.md").read_text()
    assert readme.index("make run") < 400 and readme.index("make test") < 600
