// After `tsc` has built dist/: writes dist/source-sha256, the hash of the sources dist/ was built
// from (experiments/version.ts), which runs from dist/ record in their manifest.json.
import fs from "node:fs";
import { BUILT_SOURCE_HASH, computeSourceHash, PACKAGE_ROOT } from "../dist/experiments/version.js";

fs.writeFileSync(BUILT_SOURCE_HASH, computeSourceHash(PACKAGE_ROOT) + "\n");
