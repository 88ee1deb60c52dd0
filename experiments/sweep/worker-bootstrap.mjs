// Worker entry when kubesim runs from TypeScript sources: a worker thread does not inherit the
// tsx loader in every Node version, so register it, then load the TypeScript worker. From dist,
// pool.ts starts worker.js directly and this file is not used.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
