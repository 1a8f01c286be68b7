"""PostgreSQL and Redis for the scale-out tests and the load test: reachability, throw-away databases.

The admin URLs are this project's machines' (trust auth on loopback); a deployment never uses
this module.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def postgres_problem(admin_url: str = PG_ADMIN_URL) -> str | None:
    """None when PostgreSQL answers, else why not (in French, for a skip or a failure)."""
    engine = sa.create_engine(admin_url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        return (
            f"PostgreSQL injoignable ({make_url(admin_url).render_as_string()}) : {str(error.orig).strip()}"
        )
    finally:
        engine.dispose()
    return None


def redis_problem(url: str = REDIS_URL) -> str | None:
    """None when Redis answers PING, else why not."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except (redis.exceptions.RedisError, OSError) as error:
        return f"Redis injoignable ({url}) : {error}"
    finally:
        client.close()
    return None


@dataclass
class TemporaryDatabase:
    """A PostgreSQL database created for one run and dropped afterwards (even if in use)."""

    url: str
    name: str
    admin_url: str = PG_ADMIN_URL

    @classmethod
    def create(cls, prefix: str = "coordo_scale", admin_url: str = PG_ADMIN_URL) -> TemporaryDatabase:
        name = f"{prefix}_{secrets.token_hex(4)}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        return cls(url=url, name=name, admin_url=admin_url)

    def drop(self) -> None:
        admin = sa.create_engine(
            self.admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10}
        )
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        finally:
            admin.dispose()


def postgres_cluster() -> tuple[str, str]:
    """(version, cluster name) of the local Debian PostgreSQL cluster."""
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir() if p.is_dir())
    if not versions:
        raise RuntimeError("Aucun cluster PostgreSQL dans /etc/postgresql.")
    return versions[-1], "main"


def postgres_restart_problem() -> str | None:
    """None when this machine can restart the local cluster (Debian's pg_ctlcluster), else why not."""
    if not (shutil.which("pg_ctlcluster") or Path("/usr/bin/pg_ctlcluster").exists()):
        return "pg_ctlcluster absent : PostgreSQL n'est pas un cluster Debian local"
    if not Path("/etc/postgresql").is_dir() or not any(Path("/etc/postgresql").iterdir()):
        return "aucun cluster PostgreSQL local dans /etc/postgresql"
    return None


def restart_postgres(pause: float = 0.0, timeout: float = 60.0) -> None:
    """Restart the local cluster (fault tests), staying down `pause` seconds in between."""
    version, cluster = postgres_cluster()
    command = shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster"
    steps = [["restart"]] if pause <= 0 else [["stop"], ["start"]]
    for index, step in enumerate(steps):
        if index:
            time.sleep(pause)
        subprocess.run(
            [command, "--skip-systemctl-redirect", version, cluster, *step],
            check=True,
            timeout=timeout,
            capture_output=True,
        )


def ensure_postgres_running(timeout: float = 60.0) -> None:
    """Start the local cluster if it is down; a no-op when it runs."""
    if postgres_problem() is None:
        return
    version, cluster = postgres_cluster()
    command = shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster"
    subprocess.run(
        [command, "--skip-systemctl-redirect", version, cluster, "start"],
        check=False,
        timeout=timeout,
        capture_output=True,
    )
