"""Celery beside `herald bench tasks`: the same no-op task through Celery's Redis broker and result backend.

Phases, as in `herald bench tasks`:
  warm-up     WARM_UP tasks, waited for;
  throughput  tasks sent as fast as one producer can for --duration seconds while the worker runs them;
              tasks/s = tasks sent / time from the first send until every result is stored;
  drain       the worker's consumer is cancelled, DRAIN tasks are queued, the consumer is added back,
              and the worker alone is timed until every result is stored;
  latency     --rate tasks/s for --duration seconds; latency = the result's date_done (stamped by the
              worker just before it stores the result) minus the producer's time when it sent the task.
Every task takes 100 bytes of arguments and returns a small result, stored by the Redis result backend.
Completion is counted with DBSIZE on the backend's own database, which holds nothing but results.

The broker and backend use databases --broker-db and --backend-db (14 and 15); both must be empty, and
are flushed after. Run with Debian's python3-celery (apt-get install python3-celery):

    /usr/bin/python3 bench/celery/celery_bench.py --redis redis://127.0.0.1:6379 --duration 5 --json
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import urlparse

import redis
from celery import Celery, __version__ as celery_version

QUEUE = "celery-bench"
BODY = "x" * 100
WARM_UP = 2_000
DRAIN = 20_000

app = Celery(
    "celery_bench",
    broker=os.environ.get("CELERY_BENCH_BROKER", "redis://127.0.0.1:6379/14"),
    backend=os.environ.get("CELERY_BENCH_BACKEND", "redis://127.0.0.1:6379/15"),
)
app.conf.update(
    task_default_queue=QUEUE,
    result_expires=600,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
)


@app.task(name="bench.noop")
def noop(body, sent):
    """Does nothing; returns the send time as its (small) result."""
    return sent


class Worker:
    """`celery worker` as a child process, with the CPU time of it and its pool's processes."""

    def __init__(self, env, concurrency, pool, prefetch_multiplier):
        here = os.path.dirname(os.path.abspath(__file__))
        env = dict(os.environ, **env, PYTHONPATH=here)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_bench", "worker", "--pool", pool,
             "--concurrency", str(concurrency), "--prefetch-multiplier", str(prefetch_multiplier),
             "-Q", QUEUE, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
            cwd=here, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def cpu_seconds(self):
        """User + system CPU of the worker and every process below it, reaped children included."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += sum(int(f) for f in fields[11:15]) / ticks  # utime, stime, cutime, cstime
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as children:
                        pending.extend(int(child) for child in children.read().split())
            except (FileNotFoundError, ProcessLookupError):
                continue
        return total

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def redis_cpu(client):
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def send(producer, sent_at=None):
    task_id = str(uuid.uuid4())
    noop.apply_async((BODY, sent_at if sent_at is not None else time.time()), task_id=task_id, producer=producer)
    return task_id


def wait_for(backend, expected, what, stall=60.0):
    """Until the backend database holds `expected` results; fails when the count stops moving for `stall` s."""
    last, moved = -1, time.monotonic()
    while True:
        done = backend.dbsize()
        if done >= expected:
            return time.monotonic()
        if done != last:
            last, moved = done, time.monotonic()
        elif time.monotonic() - moved > stall:
            raise SystemExit(f"{what}: the worker stopped at {done} of {expected} results")
        time.sleep(0.01)


def percentile(sorted_values, p):
    rank = max(1, int(p / 100 * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", default=os.environ.get("HERALD_REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--rate", type=int, default=1000, help="tasks/s of the latency phase")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count())
    parser.add_argument("--pool", default="prefork")
    parser.add_argument("--prefetch-multiplier", type=int, default=4)
    parser.add_argument("--broker-db", type=int, default=14)
    parser.add_argument("--backend-db", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    url = urlparse(args.redis)
    base = f"redis://{url.netloc}"
    broker_url, backend_url = f"{base}/{args.broker_db}", f"{base}/{args.backend_db}"
    app.conf.update(broker_url=broker_url, result_backend=backend_url)
    broker, backend = redis.Redis.from_url(broker_url), redis.Redis.from_url(backend_url)
    if broker.dbsize() or backend.dbsize():
        raise SystemExit(f"databases {args.broker_db} and {args.backend_db} must be empty; they are flushed after the run")

    worker = Worker({"CELERY_BENCH_BROKER": broker_url, "CELERY_BENCH_BACKEND": backend_url},
                    args.concurrency, args.pool, args.prefetch_multiplier)
    try:
        with app.producer_or_acquire() as producer:
            noop.apply_async((BODY, time.time()), producer=producer).get(timeout=60)

            for _ in range(WARM_UP):
                send(producer)
            wait_for(backend, 1 + WARM_UP, "warm-up")

            # Throughput: one producer as fast as it goes for the duration, then until every result is stored.
            before = backend.dbsize()
            cpu_worker, cpu_redis, cpu_producer = worker.cpu_seconds(), redis_cpu(broker), time.process_time()
            started = time.monotonic()
            sent = 0
            while time.monotonic() - started < args.duration:
                send(producer)
                sent += 1
            sending_cpu = time.process_time() - cpu_producer
            finished = wait_for(backend, before + sent, "throughput")
            seconds = finished - started
            worker_cpu, redis_cpu_s = worker.cpu_seconds() - cpu_worker, redis_cpu(broker) - cpu_redis
            throughput = {
                "sent": sent, "seconds": round(seconds, 3), "tasksPerSecond": round(sent / seconds, 1),
                "producerCpuMicrosecondsPerTask": round(sending_cpu * 1e6 / sent, 2),
                "workerCpuMicrosecondsPerTask": round(worker_cpu * 1e6 / sent, 2),
                "workerCpuSeconds": round(worker_cpu, 2), "redisCpuSeconds": round(redis_cpu_s, 2),
            }

            # Drain: the worker alone on a backlog queued while it was not consuming.
            app.control.cancel_consumer(QUEUE, reply=True, timeout=5)
            before = backend.dbsize()
            for _ in range(DRAIN):
                send(producer)
            cpu_worker = worker.cpu_seconds()
            resumed = time.monotonic()
            app.control.add_consumer(QUEUE, reply=True, timeout=5)
            drained = wait_for(backend, before + DRAIN, "drain") - resumed
            drain = {
                "tasks": DRAIN, "seconds": round(drained, 3), "tasksPerSecond": round(DRAIN / drained, 1),
                "workerCpuMicrosecondsPerTask": round((worker.cpu_seconds() - cpu_worker) * 1e6 / DRAIN, 2),
            }

            # Latency at a paced rate: the worker's date_done minus the send time the task carries.
            before = backend.dbsize()
            total = int(args.rate * args.duration)
            ids = []
            started = time.monotonic()
            for i in range(total):
                ahead = started + i / args.rate - time.monotonic()
                if ahead > 0.001:
                    time.sleep(ahead)
                ids.append(send(producer))
            wait_for(backend, before + total, "latency")

        latencies = []
        for chunk in range(0, len(ids), 500):
            keys = [f"celery-task-meta-{task_id}" for task_id in ids[chunk:chunk + 500]]
            for raw in backend.mget(keys):
                meta = json.loads(raw)
                done = datetime.fromisoformat(meta["date_done"])
                if done.tzinfo is None:
                    done = done.replace(tzinfo=timezone.utc)
                latencies.append(max(0.0, done.timestamp() - meta["result"]) * 1000)
        latencies.sort()
        latency = {
            "ratePerSecond": args.rate, "tasks": len(latencies),
            "p50Milliseconds": round(percentile(latencies, 50), 3),
            "p99Milliseconds": round(percentile(latencies, 99), 3),
            "maxMilliseconds": round(latencies[-1], 3),
        }
    finally:
        worker.stop()
        broker.flushdb()
        backend.flushdb()

    report = {
        "celery": celery_version, "pool": args.pool, "concurrency": args.concurrency,
        "prefetchMultiplier": args.prefetch_multiplier, "durationSeconds": args.duration,
        "throughput": throughput, "drain": drain, "latency": latency,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"celery {report['celery']} ({args.pool} x {args.concurrency}): "
              f"{throughput['tasksPerSecond']:,.0f} tasks/s ({sent:,} in {throughput['seconds']} s), "
              f"worker {throughput['workerCpuMicrosecondsPerTask']} us CPU/task; "
              f"drain {drain['tasksPerSecond']:,.0f} tasks/s; "
              f"latency at {args.rate}/s p50 {latency['p50Milliseconds']} ms, p99 {latency['p99Milliseconds']} ms")


if __name__ == "__main__":
    main()
