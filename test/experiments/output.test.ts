/**
 * experiments/output.ts: which folders kubesim may write (claimOutputFolder), writes that never
 * delete a user's file, normal permissions, stale staging removed by the next write, and folder
 * digests.
 */
import t from "tap";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { claimOutputFolder, DIGEST_FILE, removeStale, stagingName, verifyDigest, writeFileAtomically, writeFilesAtomically, type FolderKind } from "../../experiments/output.js";
import { UserError } from "../../experiments/errors.js";
import { tempDir } from "../temp-dir.js";

const tmp = tempDir("kubesim-output-");

/** A pid that ran and is gone: what a kill -9 leaves in a staging name. */
const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
const staleName = (prefix: string) => stagingName(prefix).replace(`-${process.pid}-`, `-${deadPid}-`);

function claimError(dir: string, kind: FolderKind, options = {}): UserError | null {
  try {
    claimOutputFolder(dir, kind, options);
    return null;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
}

t.test("claimOutputFolder: what may be written, and the exact refusals", async (t) => {
  const user = path.join(tmp, "user");
  fs.mkdirSync(user);
  fs.writeFileSync(path.join(user, "thesis.tex"), "x");
  const file = path.join(tmp, "notes.txt");
  fs.writeFileSync(file, "x");
  const run = path.join(tmp, "run");
  fs.mkdirSync(run);
  fs.writeFileSync(path.join(run, "manifest.json"), JSON.stringify({ kubesim: { version: "0.1.0" } }));
  const sweep = path.join(tmp, "sweep");
  fs.mkdirSync(sweep);
  fs.writeFileSync(path.join(sweep, "sweep.json"), JSON.stringify({ kind: "Sweep", name: "a" }));
  const empty = path.join(tmp, "empty");
  fs.mkdirSync(empty);
  const foreign = "name a new folder, or add --force to write into it anyway: kubesim then replaces only the files it writes and deletes nothing";
  const cwdParent = path.relative(process.cwd(), path.dirname(process.cwd())) || "..";
  const cases: [string, string, FolderKind, object, string | null, string?][] = [
    ["a new folder", path.join(tmp, "new", "deeper"), "run", {}, null],
    ["an empty folder", empty, "run", {}, null],
    ["a run folder, rerun", run, "run", {}, null],
    ["a sweep folder, resumed", sweep, "sweep", {}, null],
    ["a user's folder", user, "run", {}, `cannot write to ${user}: it exists and is not a kubesim run folder (no manifest.json written by kubesim)`, foreign],
    ["a user's folder, forced", user, "run", { force: true }, null],
    ["a run folder as a sweep", run, "sweep", {}, `cannot write to ${run}: it exists and is not a kubesim sweep folder (no sweep.json written by kubesim)`],
    ["a run folder as a comparison", run, "comparison", {}, `cannot write to ${run}: it exists and is not a kubesim comparison folder (no comparison.json written by kubesim)`],
    ["another sweep's folder, even forced", sweep, "sweep", { force: true, sameMarker: "{}" }, `cannot write to ${sweep}: it holds another sweep (its sweep.json differs from this one's)`],
    ["an existing file", file, "run", {}, `cannot write to ${file}: it is a file, not a folder`],
    ["an existing file, forced", file, "run", { force: true }, `cannot write to ${file}: it is a file, not a folder`],
    ["below a file", path.join(file, "x"), "run", {}, `cannot write to ${path.join(file, "x")}: ${file} is a file, not a folder`],
    ["''", "", "run", {}, `--out "": expected a folder name`],
    [".", ".", "run", {}, "cannot write to .: it is the current folder or one of its parents"],
    ["./", "./", "run", { force: true }, "cannot write to ./: it is the current folder or one of its parents"],
    ["..", "..", "run", {}, "cannot write to ..: it is the current folder or one of its parents"],
    ["$PWD", process.cwd(), "run", { force: true }, `cannot write to ${process.cwd()}: it is the current folder or one of its parents`],
    ["an ancestor", cwdParent, "sweep", {}, `cannot write to ${cwdParent}: it is the current folder or one of its parents`],
    ["/", "/", "comparison", { force: true }, "cannot write to /: it is the current folder or one of its parents"],
  ];
  for (const [what, dir, kind, options, message, hint] of cases) {
    const e = claimError(dir, kind, options);
    if (message === null) {
      t.equal(e, null, what);
    } else {
      t.equal(e?.message, message, what);
      t.equal(e?.exitCode, 2, `${what}: exit 2`);
      if (hint !== undefined) t.equal(e?.hint, hint, `${what}: hint`);
    }
  }
});

t.test("a write replaces only its own paths: a user's file survives, the marker goes last", async (t) => {
  const dir = path.join(tmp, "keep");
  writeFilesAtomically(dir, { "summary.csv": "old\n", "charts/a.svg": "<svg/>", "manifest.json": "{}" });
  fs.writeFileSync(path.join(dir, "thesis.tex"), "my thesis");
  fs.writeFileSync(path.join(dir, "charts", "mine.svg"), "my chart");
  writeFilesAtomically(dir, { "summary.csv": "new\n", "charts/a.svg": "<svg>2</svg>", "manifest.json": "{\"kubesim\":{}}" }, { marker: "manifest.json" });
  t.equal(fs.readFileSync(path.join(dir, "thesis.tex"), "utf8"), "my thesis", "a file kubesim did not write survives");
  t.equal(fs.readFileSync(path.join(dir, "charts", "mine.svg"), "utf8"), "my chart", "a user's chart beside kubesim's survives");
  t.equal(fs.readFileSync(path.join(dir, "summary.csv"), "utf8"), "new\n");
  t.equal(fs.readFileSync(path.join(dir, "charts", "a.svg"), "utf8"), "<svg>2</svg>");
  t.same(fs.readdirSync(tmp).filter((n) => n.includes(".partial-")), [], "no staging left");
});

t.test("new folders get the usual permissions, not mkdtemp's 0700", async (t) => {
  const dir = path.join(tmp, "perm");
  writeFilesAtomically(dir, { "a.csv": "x\n" });
  const umask = process.umask();
  t.equal(fs.statSync(dir).mode & 0o777, 0o777 & ~umask);
  t.equal(fs.statSync(path.join(dir, "a.csv")).mode & 0o777, 0o666 & ~umask);
});

t.test("staging left by a killed writer is removed by the next write of the same name; a live writer's is kept", async (t) => {
  const dir = path.join(tmp, "stale");
  fs.mkdirSync(dir);
  const dead = [staleName(".out.partial-"), staleName(".charts.partial-"), ".out.partial-Ab3xYz", staleName(".summary.csv.partial-")];
  for (const name of dead) fs.mkdirSync(path.join(dir, name));
  const live = stagingName(".out.partial-");
  fs.mkdirSync(path.join(dir, live));
  const otherHost = `.out.partial-elsewhere-${deadPid}-0123abcd`;
  fs.mkdirSync(path.join(dir, otherHost));
  writeFilesAtomically(path.join(dir, "out"), { "a.csv": "x\n" });
  writeFilesAtomically(path.join(dir, "charts"), { "a.svg": "x" });
  writeFileAtomically(path.join(dir, "summary.csv"), "x\n");
  t.same(fs.readdirSync(dir).sort(), [live, otherHost, "charts", "out", "summary.csv"].sort(), "dead writers' staging gone, live and other hosts' kept");
  const scratch = path.join(tmp, "scratch");
  fs.mkdirSync(scratch);
  fs.mkdirSync(path.join(scratch, staleName("kubesim-sweep-check-")));
  removeStale(scratch, "kubesim-sweep-check-");
  t.same(fs.readdirSync(scratch), []);
});

t.test("a digest lists every file; verifyDigest names what is wrong", async (t) => {
  const dir = path.join(tmp, "digest");
  function* chunks() {
    yield "a,b\n";
    yield "1,2\n";
  }
  writeFilesAtomically(dir, { "summary.csv": "x\n", "timeseries.csv": chunks(), "sub/c.txt": "c" }, { digest: true });
  t.equal(
    fs.readFileSync(path.join(dir, DIGEST_FILE), "utf8"),
    `${sha("c")}  sub/c.txt\n${sha("x\n")}  summary.csv\n${sha("a,b\n1,2\n")}  timeseries.csv\n`,
    "sha256sum format, sorted, streamed files hashed as written",
  );
  t.equal(verifyDigest(dir, ["summary.csv"]), null);
  t.same(verifyDigest(dir, ["events.csv"]), { file: DIGEST_FILE, problem: "does not list events.csv" });
  fs.writeFileSync(path.join(dir, "timeseries.csv"), "a,b\n1,");
  t.same(verifyDigest(dir, []), { file: "timeseries.csv", problem: "differs from its sha256 in files.sha256 (damaged, truncated or edited)" });
  fs.rmSync(path.join(dir, "summary.csv"));
  t.same(verifyDigest(dir, []), { file: "summary.csv", problem: "missing" });
  fs.rmSync(path.join(dir, DIGEST_FILE));
  t.same(verifyDigest(dir, []), { file: DIGEST_FILE, problem: "missing (the folder was not completely written by kubesim)" });
  t.same(verifyDigest(path.join(tmp, "nope"), []), { file: "", problem: "missing" });
});

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
