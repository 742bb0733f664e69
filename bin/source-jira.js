#!/usr/bin/env node
// One executable file per command (PyAirbyte and Meltano run it directly).
import "../dist/src/cli/airbyte.js";
