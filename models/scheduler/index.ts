/** kube-scheduler decision logic (pure functions and data structures); see each module's header. */
export * from "./status.js";
export * from "./resource.js";
export * from "./node-info.js";
export * from "./toleration.js";
export * from "./node-selector.js";
export * from "./normalize-score.js";
export * from "./fit-error.js";
export * from "./plugins/node-unschedulable.js";
export * from "./plugins/node-name.js";
export * from "./plugins/taint-toleration.js";
export * from "./plugins/node-affinity.js";
export * from "./plugins/node-resources-fit.js";
export * from "./plugins/balanced-allocation.js";
export * from "./schedule-one.js";
export * from "./scheduling-queue.js";
