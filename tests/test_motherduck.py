"""BUBBLEMETER_DB=md:NAME offline: real DuckDB, its extension download pointed at loopback only.

HOME is a fresh directory so no installed motherduck extension is found and DuckDB tries to
download it from BUBBLEMETER_DUCKDB_EXTENSION_REPOSITORY: a closed loopback port (refused at
once) or a loopback server that accepts and never answers (a network that drops packets).
"""

import socket
import threading
import time

import pytest

from tests.conftest import free_port
from tests.test_cli import run
from warehouse.settings import Settings

TOKEN = "synthetic-token-not-real"


def md_env(tmp_path, repository: str, **extra) -> dict:
    return {
        "HOME": str(tmp_path),
        "motherduck_token": TOKEN,
        "BUBBLEMETER_DUCKDB_EXTENSION_REPOSITORY": repository,
        **extra,
    }


@pytest.fixture
def silent_server():
    """A loopback TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


@pytest.mark.parametrize(
    "command", [["status"], ["refresh", "--from", "{snapshot}"], ["sql", "select 1"]]
)
def test_md_offline_fails_fast_with_one_line(tmp_path, snapshot_dir, command):
    args = [a.format(snapshot=snapshot_dir) for a in command]
    env = md_env(tmp_path, f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    result = run(*args, "--db", "md:bubblemeter_test", env=env)
    elapsed = time.monotonic() - started
    print(f"{' '.join(command)} --db md:... failed after {elapsed:.1f} s")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: MotherDuck unreachable: "), result.stderr
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr
    assert elapsed < 30, "an unreachable MotherDuck must not hang the command"


def test_md_silent_network_times_out(tmp_path, silent_server):
    env = md_env(tmp_path, silent_server, BUBBLEMETER_MD_CONNECT_TIMEOUT="2")
    started = time.monotonic()
    result = run("status", "--db", "md:bubblemeter_test", env=env)
    elapsed = time.monotonic() - started
    print(f"status against a silent network gave up after {elapsed:.1f} s")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: MotherDuck unreachable: md:bubblemeter_test did "
        "not answer within 2 s (BUBBLEMETER_MD_CONNECT_TIMEOUT)"
    )
    assert elapsed < 30


def test_md_without_token_is_a_config_error(tmp_path):
    result = run("status", "--db", "md:bubblemeter_test", env={"HOME": str(tmp_path)})
    assert result.returncode == 2
    assert "motherduck_token" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_md_settings_hold_the_token_without_showing_it():
    settings = Settings.from_env(
        env={"BUBBLEMETER_DB": "md:bubblemeter_test", "motherduck_token": TOKEN}
    )
    assert settings.is_motherduck and not settings.is_local_file
    assert settings.motherduck_token == TOKEN and TOKEN not in repr(settings)


def test_md_scheduler_state_is_named_after_the_database():
    from warehouse.scheduler_state import state_path

    one = state_path(Settings(db="md:bubblemeter"))
    other = state_path(Settings(db="md:other?attach_mode=single"))
    assert one.name == "md_bubblemeter.scheduler.json"
    assert other.name == "md_other.scheduler.json"


def test_dashboard_data_names_an_unreachable_motherduck(tmp_path, monkeypatch):
    from dashboard import data

    monkeypatch.setenv("HOME", str(tmp_path))
    settings = Settings(
        db="md:bubblemeter_test",
        motherduck_token=TOKEN,
        duckdb_extension_repository=f"http://127.0.0.1:{free_port()}",
    )
    chart = data.hyperscaler_capex_quarterly(settings)
    assert chart.frame.empty
    assert chart.empty_reason.startswith("MotherDuck unreachable: ")
