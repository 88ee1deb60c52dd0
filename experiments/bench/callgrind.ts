/**
 * Reading callgrind's counts of a V8 process (fleet-functions): naming the addresses of the code
 * V8 generated through its perf map, and summing a callgrind file by function.
 */

/** One run's count of an event: by function (its own), and by JavaScript caller and native callee (inclusive). */
export interface Split {
  total: number;
  self: Map<string, number>;
  calls: Map<string, number>;
}

/**
 * The code V8 generated, from its perf map ("<start hex> <size hex> <name>" per line, in the
 * order the code was made). Code space is reused, so an address may lie in several entries:
 * the one made last is the code that ran there most recently, an approximation that holds in a
 * steady state, where V8 rarely compiles.
 */
export class CodeMap {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly names: string[] = [];
  private readonly made: number[] = [];

  constructor(text: string) {
    const entries: [start: number, end: number, name: string, made: number][] = [];
    for (const line of text.split("\n")) {
      const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
      if (m !== null) entries.push([parseInt(m[1], 16), parseInt(m[1], 16) + parseInt(m[2], 16), shortName(m[3]), entries.length]);
    }
    entries.sort((p, q) => p[0] - q[0] || p[3] - q[3]);
    for (const [start, end, name, made] of entries) {
      this.starts.push(start);
      this.ends.push(end);
      this.names.push(name);
      this.made.push(made);
    }
  }

  /** The name of the code at `address`, or null outside V8's code. */
  nameAt(address: number): string | null {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= address) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    // Entries starting at or below the address; the ones covering it are among the nearest.
    for (let i = lo - 1; i >= 0 && i >= lo - 64; i--) {
      if (address < this.ends[i] && (best < 0 || this.made[i] > this.made[best])) best = i;
    }
    return best < 0 ? null : this.names[best];
  }
}

/** "JS:*name file:///…/dist/models/x.js:12:3" → "name models/x.js:12" (tiers merged); others as they are. */
export function shortName(name: string): string {
  const js = /^JS:[*~^+]?(\S*) (?:file:\/\/)?(.*?):(\d+):\d+$/.exec(name);
  if (js === null) return name;
  const file = js[2].includes("/dist/") ? js[2].slice(js[2].lastIndexOf("/dist/") + 6) : js[2];
  return `${js[1] || "(anonymous)"} ${file}:${js[3]}`;
}

/**
 * Sums one event of a callgrind file (`--dump-instr=yes`; `event` as its "events:" line names it:
 * Ir, or with `--cache-sim=yes` also DLmr and the other misses) by function: code callgrind has
 * no symbol for is named through V8's map. A cost line is "<address> <line> <count per event>",
 * the address absolute (0x…), relative to the previous one (+n, -n) or the same (*); the line
 * after "calls=" is the inclusive cost of a call made at that address.
 */
export function splitByFunction(text: string, code: CodeMap, event = "Ir"): Split {
  const events = /^events: (.*)$/m.exec(text)?.[1].trim().split(/\s+/) ?? ["Ir"];
  const column = events.indexOf(event);
  if (column < 0) throw new Error(`the callgrind file counts ${events.join(", ")}, not ${event}`);
  const fnNames = new Map<string, string>();
  const self = new Map<string, number>();
  const calls = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  let total = 0;
  let fn = "";
  let unnamed = false;
  let callee = "";
  let inCall = false;
  let address = 0;
  for (const line of text.split("\n")) {
    const c = line.charCodeAt(0);
    if (line.startsWith("fn=") || line.startsWith("cfn=")) {
      const m = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (m === null) continue;
      if (m[2] !== undefined) fnNames.set(m[1], m[2]);
      const name = fnNames.get(m[1]) ?? m[1];
      if (line.charCodeAt(0) === 99 /* c */) callee = name;
      else {
        fn = name;
        unnamed = name.startsWith("0x") || name.includes("???");
      }
    } else if (line.startsWith("calls=")) {
      inCall = true;
    } else if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) {
      const fields = line.split(" ");
      const pos = fields[0];
      if (pos.startsWith("0x")) address = parseInt(pos, 16);
      else if (c === 43) address += Number(pos.slice(1));
      else if (c === 45) address -= Number(pos.slice(1));
      else if (c !== 42) address = Number(pos);
      const n = Number(fields[2 + column] ?? 0);
      const caller = unnamed ? code.nameAt(address) ?? "(V8 code not in the map)" : fn;
      if (inCall) {
        inCall = false;
        if (unnamed && !caller.startsWith("Builtin:") && isServiceCall(callee)) add(calls, `${caller} → ${callee.length > 60 ? `${callee.slice(0, 57)}...` : callee}`, n);
        continue;
      }
      total += n;
      add(self, caller, n);
    }
  }
  return { total, self, calls };
}

/**
 * Whether a callee is a builtin or runtime function that does a piece of work for its caller (a
 * property load that missed its inline cache, a Map lookup, a string compare, an allocation),
 * rather than a way into other code: JavaScript (callgrind's unnamed "0x…" functions), the
 * interpreter, calls and returns between tiers, V8's runtime entry (which runs any code),
 * compiling, deoptimization. Only those calls' inclusive costs are the caller's own overhead
 * (and only a JavaScript caller's: see splitByFunction).
 */
function isServiceCall(callee: string): boolean {
  if (callee.startsWith("0x") || callee.includes("???") || callee.startsWith("(below main)")) return false;
  return !/^Builtins_(Call|Construct|Interpreter|Baseline|JSEntry|JSConstruct|JSBuiltinsConstructStub|CEntry|CompileLazy|NotifyDeoptimized|DeoptimizationEntry|ResumeGenerator|AsyncFunction|PromiseConstructor|RunMicrotasks|ArrayForEach|ArrayMap|ArrayPrototypeSort|ArrayReduce|ArrayFilter|ArraySome|ArrayEvery|ArrayFind|FunctionPrototype|ReflectApply)/.test(callee);
}
