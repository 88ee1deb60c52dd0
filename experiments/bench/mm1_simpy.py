"""M/M/1 on SimPy 2 (Debian python3-simpy): the peer model for `npm run bench:kernel`.

The canonical SimPy formulation: a Source process activates one Customer process per arrival;
each customer requests the server (a Resource of capacity 1), holds for its service time and
releases it. Prints one JSON line with the same statistics as experiments/bench/mm1.ts.
Usage: python3 mm1_simpy.py CUSTOMERS ARRIVAL_RATE SERVICE_RATE SEED BATCHES
"""
import json
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate

customers, arrival_rate, service_rate, seed, batches = (
    int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
rng = random.Random(seed)
batch_size = customers // batches
wait_sums = [0.0] * batches
stats = {"started": 0, "departed": 0, "sojourn": 0.0}


class Customer(Process):
    def visit(self, server):
        arrived = now()
        yield request, self, server
        index = stats["started"]
        stats["started"] += 1
        if index < batch_size * batches:
            wait_sums[index // batch_size] += now() - arrived
        yield hold, self, rng.expovariate(service_rate)
        yield release, self, server
        stats["departed"] += 1
        stats["sojourn"] += now() - arrived


class Source(Process):
    def generate(self, server):
        for _ in range(customers):
            yield hold, self, rng.expovariate(arrival_rate)
            customer = Customer()
            activate(customer, customer.visit(server))


initialize()
server = Resource(capacity=1)
source = Source()
activate(source, source.generate(server))
started = time.perf_counter()
simulate(until=1e12)
wall_s = time.perf_counter() - started
print(json.dumps({
    "customers": stats["departed"],
    "mean_wait_s": sum(wait_sums) / (batch_size * batches),
    "batch_means_s": [w / batch_size for w in wait_sums],
    "mean_sojourn_s": stats["sojourn"] / stats["departed"],
    "events": 2 * stats["departed"],
    "wall_s": wall_s,
}))
