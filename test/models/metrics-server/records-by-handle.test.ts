/**
 * metrics-server's record-by-handle column: a bound handle finds its record; rebinding a record,
 * reusing a handle index and sweeping a record leave no handle pointing at a record it was not
 * bound to (checked against a plain model after every step).
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { PodHandle } from "../../../models/kubelet/pod-handles.js";
import { RecordsByHandle } from "../../../models/metrics-server/records-by-handle.js";

t.test("bind, rebind and unbind", async (t) => {
  const table = new RecordsByHandle();
  const h1 = 1 * PodHandle.IndexSpace + 3;
  const h2 = 2 * PodHandle.IndexSpace + 3; // same index, later generation
  t.equal(table.lookup(h1), -1);
  t.equal(table.lookup(PodHandle.None), -1);
  table.bind(h1, 7);
  t.equal(table.lookup(h1), 7);
  table.bind(h2, 9);
  t.equal(table.lookup(h1), -1, "the index's older handle is gone");
  t.equal(table.lookup(h2), 9);
  table.bind(5 * PodHandle.IndexSpace + 4, 9);
  t.equal(table.lookup(h2), -1, "record 9 rebound: its old handle no longer finds it");
  table.unbindRecord(9);
  t.equal(table.lookup(5 * PodHandle.IndexSpace + 4), -1, "swept");
  t.throws(() => table.bind(PodHandle.None, 1), /PodHandle.None/);
});

t.test("property: lookup is the last binding of that handle, unless its record or index moved on", async (t) => {
  const rng = new RngRegistry(11).stream("test/records-by-handle");
  const table = new RecordsByHandle();
  const recordOf = new Map<number, number>(); // model: handle -> record
  const handleOfRecord = new Map<number, number>();
  const handleOfIndex = new Map<number, number>();
  let generation = 0;
  const known: number[] = [];
  let problems = 0;
  const drop = (handle: number | undefined) => {
    if (handle === undefined) return;
    const record = recordOf.get(handle);
    recordOf.delete(handle);
    if (record !== undefined && handleOfRecord.get(record) === handle) handleOfRecord.delete(record);
    if (handleOfIndex.get(handle % PodHandle.IndexSpace) === handle) handleOfIndex.delete(handle % PodHandle.IndexSpace);
  };
  for (let step = 0; step < 20_000; step++) {
    const r = rng.uniform(0, 1);
    if (r < 0.6) {
      const handle = known.length > 0 && rng.uniform(0, 1) < 0.5 ? known[Math.floor(rng.uniform(0, known.length))] : ++generation * PodHandle.IndexSpace + Math.floor(rng.uniform(0, 20));
      const record = Math.floor(rng.uniform(0, 30));
      table.bind(handle, record);
      drop(handleOfRecord.get(record));
      drop(handleOfIndex.get(handle % PodHandle.IndexSpace));
      drop(handle);
      recordOf.set(handle, record);
      handleOfRecord.set(record, handle);
      handleOfIndex.set(handle % PodHandle.IndexSpace, handle);
      known.push(handle);
    } else {
      const record = Math.floor(rng.uniform(0, 30));
      table.unbindRecord(record);
      drop(handleOfRecord.get(record));
    }
    if (step % 100 === 0) for (const h of known) if (table.lookup(h) !== (recordOf.get(h) ?? -1)) problems++;
  }
  t.equal(problems, 0, "the table agrees with the model at every check");
});
