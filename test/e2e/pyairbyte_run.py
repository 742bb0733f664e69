"""Drives our Airbyte connector through PyAirbyte, as a user would, for test/e2e/pyairbyte.test.ts.

  python pyairbyte_run.py --executable /abs/path/bin/source-jira.js

Importing PyAirbyte takes seconds, so one process serves several commands: one JSON object per line on
stdin, one JSON reply per line on file descriptor 3 (PyAirbyte prints its own progress on stdout).
  {"cmd": "check", "config": {...}}                    -> {"ok": true} | {"ok": false, "error": "<class>", "message": "..."}
  {"cmd": "read", "config": {...}, "cache_dir": "..."} -> {"streams": [...], "records_read": N, "rows": [[id, updated_ms, deleted], ...]}
  {"cmd": "read_streams", "config": {...}, "cache_dir": "...", "streams": [...] | ["*"], "keys": {stream: [fields]}?, "write_strategy": "merge"?}
                                                       -> {"counts": {stream: N}, "keys": {stream: [[key as text, ...], ...]}}
A read into the same cache_dir continues from the state PyAirbyte saved there (incremental).
Any other failure replies {"fatal": "<class>: message"}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import traceback

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

import airbyte as ab  # noqa: E402
from airbyte.caches import DuckDBCache  # noqa: E402


def epoch_ms(value: object) -> int:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return int(round(value.timestamp() * 1000))
    if isinstance(value, str):
        return epoch_ms(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    raise TypeError(f"unexpected updated value {value!r}")


def check(executable: str, config: dict) -> dict:
    source = ab.get_source("source-jira", config=config, local_executable=executable)
    try:
        source.check()
        return {"ok": True}
    except Exception as e:  # noqa: BLE001 - the test asserts on the class name
        return {"ok": False, "error": type(e).__name__, "message": str(e)[:2000]}


def read(executable: str, config: dict, cache_dir: str) -> dict:
    source = ab.get_source("source-jira", config=config, local_executable=executable)
    streams = source.get_available_streams()
    source.select_streams(["issues"])
    cache = DuckDBCache(db_path=os.path.join(cache_dir, "cache.duckdb"), schema_name="main")
    result = source.read(cache=cache, write_strategy="merge")
    # deleted: a tombstone (README "Deleted issues"); PyAirbyte's cache keeps it as a row with the marker set.
    rows = [[str(r["id"]), epoch_ms(r["updated"]), r["_ab_cdc_deleted_at"] is not None] for r in result["issues"]]
    return {"streams": streams, "records_read": result.processed_records, "rows": rows}


def key_of(record, fields: list) -> list:
    """A record's primary key as text; PyAirbyte's cache lower-cases column names (accountId -> accountid)."""
    out = []
    for f in fields:
        value = record[f] if f in record else record[f.lower()]
        out.append(str(value))
    return out


def read_streams(executable: str, config: dict, cache_dir: str, streams: list, keys: dict | None = None, write_strategy: str | None = None) -> dict:
    """Selected streams read as PyAirbyte reads them (it asks for every stream incrementally); with
    `keys` ({stream: [key fields]}), also every row's key."""
    source = ab.get_source("source-jira", config=config, local_executable=executable)
    if streams == ["*"]:
        streams = source.get_available_streams()
    source.select_streams(streams)
    cache = DuckDBCache(db_path=os.path.join(cache_dir, "streams.duckdb"), schema_name="main")
    result = source.read(cache=cache, **({"write_strategy": write_strategy} if write_strategy else {}))
    reply = {"counts": {name: len(list(result[name])) for name in streams}}
    if keys:
        reply["keys"] = {name: [key_of(r, keys[name]) for r in result[name]] for name in streams if name in keys}
    return reply


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--executable", required=True)
    args = parser.parse_args()
    replies = os.fdopen(3, "w", encoding="utf-8")
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            if req["cmd"] == "check":
                reply = check(args.executable, req["config"])
            elif req["cmd"] == "read_streams":
                reply = read_streams(args.executable, req["config"], req["cache_dir"], req["streams"], req.get("keys"), req.get("write_strategy"))
            elif req["cmd"] == "read":
                reply = read(args.executable, req["config"], req["cache_dir"])
            else:
                reply = {"fatal": f"unknown command {req['cmd']!r}"}
        except Exception as e:  # noqa: BLE001 - reported to the test, which fails with it
            reply = {"fatal": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-3000:]}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
