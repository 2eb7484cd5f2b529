"""A PostgreSQL server of Debian's package on loopback, in a data folder of its own: to try the shared warehouse on
one machine (`make postgres`), and for the tests that publish to one (tests/test_shared_warehouse.py).

    .venv/bin/python scripts/local_postgres.py start [--folder data_marts/postgres] [--port 5433]
    .venv/bin/python scripts/local_postgres.py stop [--folder data_marts/postgres]

`start` creates the cluster on first use (initdb, trust authentication for loopback connections only, user
`milspace`), starts the server listening on 127.0.0.1 only, waits until it answers, and prints the value to give
MILSPACE_SHARED_WAREHOUSE. Run as root (CI, containers), the server runs as the `postgres` user the Debian package
creates, since PostgreSQL refuses to run as root. A team's real server is its own: point MILSPACE_SHARED_WAREHOUSE
at it instead.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

USER = "milspace"
DATABASE = "milspace"


class Unavailable(RuntimeError):
    """PostgreSQL's server programs are not installed, or cannot run here."""


def server_bin() -> Path:
    """The folder of Debian's PostgreSQL server programs (the newest installed), or Unavailable."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise Unavailable(
        "PostgreSQL's server is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH): "
        "apt-get install -y postgresql"
    )


def _runner() -> tuple[list[str], str | None]:
    """How to run the server's programs: as this user, or (as root) as `postgres` through runuser."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable("running as root, and there is no `postgres` user to run PostgreSQL as") from None
    return ["runuser", "-u", "postgres", "--"], "postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def conninfo(port: int) -> str:
    return f"postgresql://{USER}@127.0.0.1:{port}/{DATABASE}"


def start(folder: Path, port: int) -> str:
    """Create (first use) and start the server in `folder` on 127.0.0.1:`port`; its connection string."""
    binaries = server_bin()
    prefix, owner = _runner()
    folder = folder.resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if owner is not None:  # the server's user must own its folder and reach it
        shutil.chown(folder, owner)
        if subprocess.run([*prefix, "test", "-w", str(folder)], check=False).returncode != 0:
            raise Unavailable(
                f"the `postgres` user cannot reach {folder} (a folder above it is closed to other users): "
                "give --folder a folder it can reach, such as one under /tmp"
            )
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            [*prefix, str(binaries / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            text=True,
        )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
    subprocess.run(
        [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w",
         "start"],
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready = subprocess.run(
            [str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True, check=False
        )
        if ready.returncode == 0:
            break
        time.sleep(0.2)
    subprocess.run(
        [str(binaries.parent / "bin" / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER, DATABASE],
        capture_output=True,
        check=False,  # exists already after the first start
    )
    (folder / "port").write_text(f"{port}\n", encoding="utf-8")
    return conninfo(port)


def stop(folder: Path) -> None:
    """Stop the server in `folder` (fast shutdown: open sessions are ended)."""
    binaries = server_bin()
    prefix, _ = _runner()
    data = folder.resolve() / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--folder", type=Path, default=Path("data_marts/postgres"))
    parser.add_argument("--port", type=int, default=5433)
    args = parser.parse_args()
    try:
        if args.action == "stop":
            stop(args.folder)
            print(f"Stopped the PostgreSQL server in {args.folder}")
            return 0
        target = start(args.folder, args.port)
    except Unavailable as exc:
        print(f"local_postgres: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"local_postgres: {' '.join(exc.cmd)} failed: {(exc.stderr or '').strip()}", file=sys.stderr)
        return 1
    print(f"PostgreSQL is running on 127.0.0.1:{args.port} (data in {args.folder}). Build into it with:")
    print(f"  MILSPACE_SHARED_WAREHOUSE={target} make build")
    print(f"Stop it with: make postgres-stop   (connect: psql {target})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
