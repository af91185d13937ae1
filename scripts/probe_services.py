"""Tell which test services answer, and write the environment to use into var/services.env.

Exit status 1 when one of PostgreSQL or Redis is missing (the caller decides whether that fails).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import redis


def postgres_answers(url: str) -> str | None:
    """None when the server answers (the database is created if missing), else the error."""
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
            autocommit=True,
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if name and not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


def redis_answers(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    env = {}
    missing = False
    if database_url.startswith("postgres"):
        error = postgres_answers(database_url)
        if error:
            print(f"PostgreSQL ne répond pas ({error}) : les tests tournent sur SQLite.")
            missing = True
        else:
            print(f"PostgreSQL : {urlparse(database_url).hostname}")
            env["DATABASE_URL"] = database_url
    else:
        env["DATABASE_URL"] = database_url
    error = redis_answers(redis_url) if redis_url else "REDIS_URL vide"
    if error:
        print(f"Redis ne répond pas ({error}) : les tests qui demandent un broker sont sautés.")
        missing = True
    else:
        print(f"Redis : {redis_url}")
        env["REDIS_URL"] = redis_url
    Path("var").mkdir(exist_ok=True)
    Path("var/services.env").write_text(
        "".join(f"{key}={value}\n" for key, value in env.items())
        + "".join(f"{key}=\n" for key in ("DATABASE_URL", "REDIS_URL") if key not in env)
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
