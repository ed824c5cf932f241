"""The Python side of `make bench`: the workloads of bench/bench.go run
through concurrent.futures.ProcessPoolExecutor with 2 workers.

The Go harness runs this script once per workload and round, so that Python
and Go take turns on the machine, with one JSON argument:

    python3 pybench.py '{"workload": "latency", "n": 2000}'

and reads one JSON object of metrics from its standard output. Standard
library only. Every task is a module-level function, so that the spawn and
forkserver start methods, which import this file again in each worker, find
it; nothing runs at import time but definitions.
"""

import json
import os
import sys
import time

WORKERS = 2


def identity(x):
    return x


def fail(x):
    raise ValueError("item %d failed" % x)


def small_primes(limit):
    """The primes up to limit: the trial divisors of the primes workload."""
    sieve = bytearray([1]) * (limit + 1)
    sieve[0:2] = b"\x00\x00"
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(sieve[i * i :: i]))
    return [i for i in range(limit + 1) if sieve[i]]


_DIVISORS = {}


def count_primes(bounds):
    """Counts the primes in [lo, hi) by trial division by the primes up to
    the square root of the workload's limit: the same algorithm as the Go
    task, so each side's efficiency is against its own serial run."""
    lo, hi, limit = bounds
    divisors = _DIVISORS.get(limit)
    if divisors is None:
        divisors = _DIVISORS[limit] = small_primes(int(limit**0.5) + 1)
    count = 0
    for n in range(max(lo, 2), hi):
        prime = True
        for p in divisors:
            if p * p > n:
                break
            if n % p == 0:
                prime = False
                break
        if prime:
            count += 1
    return count


def spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return 0


def sleep(seconds):
    time.sleep(seconds)
    return 0


def crash(path):
    # The parent submits every other task before it lets this one exit:
    # a pool broken between two submits makes submit itself raise.
    while not os.path.exists(path + ".go"):
        time.sleep(0.0002)
    with open(path, "w") as f:
        f.write(str(time.time_ns()))
    os._exit(1)


_QUEUE = None


def set_queue(q):
    global _QUEUE
    _QUEUE = q


def produce(n):
    for i in range(n):
        _QUEUE.put(i)
    return n


def executor(method=None, **kw):
    import concurrent.futures
    import multiprocessing

    ctx = multiprocessing.get_context(method) if method else None
    return concurrent.futures.ProcessPoolExecutor(max_workers=WORKERS, mp_context=ctx, **kw)


def warm(ex):
    """Starts every worker, so that a measurement sees a ready pool."""
    list(ex.map(identity, range(4 * WORKERS)))


def startup(method):
    """Create, two results (one per worker), shut down."""
    start = time.perf_counter()
    ex = executor(method)
    fs = [ex.submit(identity, i) for i in range(WORKERS)]
    for f in fs:
        f.result()
    ex.shutdown(wait=True)
    return time.perf_counter() - start


def w_startup_cold(p):
    # This interpreter has imported neither concurrent.futures nor
    # multiprocessing yet: their import is part of a cold start.
    return {"seconds": startup(p["method"])}


def w_startup_warm(p):
    startup(p["method"])
    took = sorted(startup(p["method"]) for _ in range(p["repeat"]))
    return {"seconds": took[len(took) // 2]}


def w_latency(p):
    with executor() as ex:
        warm(ex)
        lat = []
        for i in range(p["n"]):
            t = time.perf_counter()
            ex.submit(identity, i).result()
            lat.append(time.perf_counter() - t)
    lat.sort()
    return {
        "mean": sum(lat) / len(lat),
        "p50": lat[len(lat) // 2],
        "p99": lat[min(len(lat) - 1, len(lat) * 99 // 100)],
    }


def w_map(p):
    with executor() as ex:
        warm(ex)
        start = time.perf_counter()
        n = sum(1 for _ in ex.map(identity, range(p["n"]), chunksize=p["chunksize"]))
        took = time.perf_counter() - start
    assert n == p["n"]
    return {"rate": n / took}


def skewed_costs(n):
    """The chunksize homework's skewed workload: the first eighth of the
    inputs take 40 ms, the others 2 ms."""
    return [0.040 if i < n // 8 else 0.002 for i in range(n)]


def w_skewed(p):
    costs = skewed_costs(p["n"])
    with executor() as ex:
        warm(ex)
        start = time.perf_counter()
        n = sum(1 for _ in ex.map(sleep, costs, chunksize=p["chunksize"]))
        took = time.perf_counter() - start
    assert n == p["n"]
    return {"rate": n / took}


def joblib_rate(fn, inputs):
    """Runs fn over inputs with joblib.Parallel(n_jobs=WORKERS,
    batch_size="auto") on its default (loky) backend, after starting the
    workers, and returns the inputs per second."""
    from joblib import Parallel, delayed

    with Parallel(n_jobs=WORKERS, batch_size="auto") as parallel:
        parallel(delayed(identity)(i) for i in range(4 * WORKERS))
        start = time.perf_counter()
        out = parallel(delayed(fn)(x) for x in inputs)
        took = time.perf_counter() - start
    assert len(out) == len(inputs)
    return {"rate": len(inputs) / took}


def w_joblib_map(p):
    return joblib_rate(identity, list(range(p["n"])))


def w_joblib_skewed(p):
    return joblib_rate(sleep, skewed_costs(p["n"]))


def w_primes(p):
    limit, chunks = p["limit"], p["chunks"]
    step = (limit + chunks - 1) // chunks
    ranges = [(lo, min(lo + step, limit), limit) for lo in range(0, limit, step)]
    if p["workers"] == 0:
        start = time.perf_counter()
        total = sum(count_primes(r) for r in ranges)
        return {"seconds": time.perf_counter() - start, "count": total}
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(max_workers=p["workers"], mp_context=multiprocessing.get_context()) as ex:
        list(ex.map(identity, range(4 * p["workers"])))
        start = time.perf_counter()
        total = sum(ex.map(count_primes, ranges))
        return {"seconds": time.perf_counter() - start, "count": total}


def w_spin(p):
    d, n = p["seconds"], p["n"]
    with executor() as ex:
        warm(ex)
        start = time.perf_counter()
        for _ in ex.map(spin, [d] * n):
            pass
        took = time.perf_counter() - start
    return {"efficiency": n * d / (WORKERS * took)}


def w_bytes(p):
    size, count = p["size"], p["count"]
    payload = os.urandom(size)
    with executor() as ex:
        warm(ex)
        ex.submit(identity, payload).result()
        start = time.perf_counter()
        for _ in range(count):
            out = ex.submit(identity, payload).result()
            assert len(out) == size
        took = time.perf_counter() - start
    return {"mbps": size * count / took / 1e6}


def w_errcost(p):
    n = p["n"]
    ok = bad = 0.0
    with executor() as ex:
        warm(ex)
        for i in range(n):
            t = time.perf_counter()
            ex.submit(identity, i).result()
            ok += time.perf_counter() - t
            t = time.perf_counter()
            try:
                ex.submit(fail, i).result()
            except ValueError:
                pass
            bad += time.perf_counter() - t
    return {"success": ok / n, "error": bad / n}


def w_crash(p):
    import concurrent.futures.process

    path = os.path.join(p["dir"], "py-crash-%d" % os.getpid())
    ex = executor()
    warm(ex)
    others = [ex.submit(sleep, 0.05)]
    crashed = ex.submit(crash, path)
    others += [ex.submit(sleep, 0.02) for _ in range(p["others"] - 1)]
    open(path + ".go", "w").close()
    try:
        crashed.result()
    except concurrent.futures.process.BrokenProcessPool:
        seen = time.time_ns()
    with open(path) as f:
        died = int(f.read())
    os.remove(path)
    os.remove(path + ".go")
    lost = 0
    for f in others:
        try:
            f.result()
        except Exception:
            lost += 1
    next_ok = 1
    try:
        ex.submit(identity, 1).result()
    except Exception:
        next_ok = 0
    ex.shutdown(wait=True)
    return {"detect": (seen - died) / 1e9, "lost": lost, "next_ok": next_ok}


def w_queue(p):
    import multiprocessing

    n = p["n"]
    q = multiprocessing.get_context().Queue()
    with executor(initializer=set_queue, initargs=(q,)) as ex:
        warm(ex)
        start = time.perf_counter()
        fs = [ex.submit(produce, n // WORKERS) for _ in range(WORKERS)]
        for _ in range(n // WORKERS * WORKERS):
            q.get()
        took = time.perf_counter() - start
        for f in fs:
            f.result()
    return {"rate": n // WORKERS * WORKERS / took}


def memory_mib(pid):
    """A process's resident and proportional set sizes in MiB, from
    /proc/PID/smaps_rollup; empty without it."""
    out = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                field = line.split()
                if len(field) == 3 and field[0] in ("Rss:", "Pss:"):
                    out[field[0][:-1].lower()] = int(field[1]) / 1024
    except OSError:
        pass
    return out


def w_memory(p):
    with executor() as ex:
        warm(ex)
        sizes = [memory_mib(pid) for pid in list(ex._processes)]
    if not sizes or any(len(s) != 2 for s in sizes):
        return {"rss": 0, "pss": 0}
    return {k: sum(s[k] for s in sizes) / len(sizes) for k in ("rss", "pss")}


def main():
    p = json.loads(sys.argv[1])
    out = globals()["w_" + p["workload"]](p)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
