#!/usr/bin/env -S node --max-semi-space-size=64
// A young generation of 3 × 64 MB (Node's default is 3 × 16 MB): an audit makes short-lived rows and keys by the
// million, and with the default many live just long enough to be moved to the old generation, whose collections
// grow with the world (an XL audit: 361 s → 308 s). `npm run` scripts and the benchmark start Node with the same flag.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
