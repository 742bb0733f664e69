#!/usr/bin/env -S node --max-semi-space-size=8
// One executable file per command (PyAirbyte and Meltano run it directly).
// --max-semi-space-size=8: V8's young generation stops at 2 x 8 MB instead of 2 x 16 MB. At 1M issues
// (bench, scenario c) peak RSS fell from 190-206 to 165-173 MB at the same CPU. V8 reads it only at
// start-up, hence the shebang; the Dockerfile and the bench pass the same flag.
import "../dist/src/cli/singer.js";
