"""PyAirbyte's docker executor on our image, for test/e2e/image.test.ts.

  python pyairbyte_docker_run.py IMAGE REQUEST_JSON

REQUEST_JSON: {"config": {...}, "bad_config": {...}, "cache_dir": "..."}. Runs the image as
get_source(docker_image=IMAGE, use_host_network=True) does (its `docker run ...` command lines), checks
both configs, reads `issues` into a DuckDB cache and prints one JSON line:
  {"check": true, "bad_check": "<exception class>", "records_read": N, "rows": [[id, updated_ms], ...]}
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

import airbyte as ab  # noqa: E402
from airbyte.caches import DuckDBCache  # noqa: E402


def epoch_ms(value: object) -> int:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert isinstance(value, dt.datetime), f"unexpected updated value {value!r}"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return int(round(value.timestamp() * 1000))


def check(image: str, config: dict) -> bool | str:
    try:
        ab.get_source("source-jira", config=config, docker_image=image, use_host_network=True).check()
        return True
    except Exception as e:  # noqa: BLE001 - the test asserts on the class name
        return type(e).__name__


def main() -> int:
    image, req = sys.argv[1], json.loads(sys.argv[2])
    out: dict = {"check": check(image, req["config"]), "bad_check": check(image, req["bad_config"])}
    source = ab.get_source("source-jira", config=req["config"], docker_image=image, use_host_network=True)
    source.select_streams(["issues"])
    cache = DuckDBCache(db_path=os.path.join(req["cache_dir"], "cache.duckdb"), schema_name="main")
    result = source.read(cache=cache)
    out["records_read"] = result.processed_records
    out["rows"] = [[str(r["id"]), epoch_ms(r["updated"])] for r in result["issues"]]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
