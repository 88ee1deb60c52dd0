// kubesim's build for the notebooks: `load("dist/index.js")` imports a module of the project.
// tslab runs cells in a VM context that has no dynamic import() and compiles import() to
// require(), which cannot load kubesim's chart modules (vega has a top-level await); a
// CommonJS module's own import() can.
const path = require("node:path");
const { pathToFileURL } = require("node:url");

module.exports = (file) => import(pathToFileURL(path.resolve(__dirname, "..", file)).href);
