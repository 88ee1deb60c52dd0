/**
 * `npm run bench -- cores`: how much a second process can add on this machine, for work that
 * stays in the core (a dependent arithmetic loop) and for work that streams through memory (one
 * write per cache line over a 64 MiB array). Each kernel runs once alone, then as two processes
 * at once; the ratio is 2 x (time alone) / (time of the pair), so 2.0 means the second core is a
 * full core. The sweep benchmark's ceiling is set by the second kind: a simulation touches memory.
 * Each process times its own kernel (start-up excluded); a pair's time is the slower of the two.
 * Prints `cores arithmetic_ratio=<x> memory_ratio=<y>`.
 */
import { spawn } from "node:child_process";

const kernels = {
  /** A dependent chain of integer operations: registers only. */
  arithmetic(): number {
    let x = 1;
    for (let i = 0; i < 1_500_000_000; i++) x = (x * 1_103_515_245 + 12_345) | 0;
    return x;
  },
  /** 300 passes writing one double per 64-byte line of a 64 MiB array. */
  memory(): number {
    const a = new Float64Array(8 * 2 ** 20);
    for (let pass = 0; pass < 300; pass++) for (let i = 0; i < a.length; i += 8) a[i] += pass;
    return a[8];
  },
};
type Kernel = keyof typeof kernels;

const childArg = process.argv.indexOf("--kernel");
if (childArg >= 0) {
  const name = process.argv[childArg + 1] as Kernel;
  const started = process.hrtime.bigint();
  const result = kernels[name]();
  // The result is printed so the loop cannot be optimised away.
  process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e9} ${result}\n`);
  process.exit(0);
}

/** Kernel seconds of the slowest of `copies` concurrent processes each running `kernel` once. */
async function timed(kernel: Kernel, copies: number): Promise<number> {
  const run = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1], "--kernel", kernel], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(Number(out.split(" ")[0])) : reject(new Error(`${kernel} exited with ${code}`))));
    });
  const times = await Promise.all(Array.from({ length: copies }, run));
  return Math.max(...times);
}

const ratios: string[] = [];
for (const kernel of Object.keys(kernels) as Kernel[]) {
  const alone_s = await timed(kernel, 1);
  const pair_s = await timed(kernel, 2);
  ratios.push(`${kernel}_ratio=${((2 * alone_s) / pair_s).toFixed(2)}`);
}
process.stdout.write(`cores ${ratios.join(" ")}\n`);
