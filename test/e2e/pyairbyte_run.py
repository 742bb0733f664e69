"""Drives our Airbyte connector through PyAirbyte, as a user would, for test/e2e/pyairbyte.test.ts.

  python pyairbyte_run.py check    --executable BIN --config CONFIG.json --out OUT.json
  python pyairbyte_run.py read     --executable BIN --config CONFIG.json --out OUT.json --cache-dir DIR

Writes one JSON object to OUT (PyAirbyte prints its own progress on stdout, so stdout is not ours):
  check: {"ok": true} or {"ok": false, "error": "<exception class>", "message": "..."}
  read:  {"streams": [...], "records_read": N, "rows": [[id, updated_epoch_ms], ...]}
A read into the same --cache-dir continues from the state PyAirbyte saved there (incremental).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["check", "read"])
    parser.add_argument("--executable", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cache-dir")
    args = parser.parse_args()

    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    source = ab.get_source("source-jira", config=config, local_executable=args.executable)

    if args.mode == "check":
        try:
            source.check()
            result: dict = {"ok": True}
        except Exception as e:  # noqa: BLE001 - the test asserts on the class name
            result = {"ok": False, "error": type(e).__name__, "message": str(e)[:2000]}
    else:
        streams = source.get_available_streams()
        source.select_streams(["issues"])
        cache = DuckDBCache(db_path=os.path.join(args.cache_dir, "cache.duckdb"), schema_name="main")
        read = source.read(cache=cache, write_strategy="merge")
        rows = [[str(r["id"]), epoch_ms(r["updated"])] for r in read["issues"]]
        result = {"streams": streams, "records_read": read.processed_records, "rows": rows}

    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
