import time
from concurrent.futures import ProcessPoolExecutor

def nap(n):
    time.sleep(0.5)
    return n

if __name__ == '__main__':
    start = time.time()
    ex = ProcessPoolExecutor(max_workers=1)
    futures = [ex.submit(nap, n) for n in range(3)]
    ex.shutdown(wait=False)
    print(f"shutdown(wait=False) returned after {time.time() - start:.1f}s")
    print("results:", [f.result() for f in futures])
    print(f"all done after {time.time() - start:.1f}s")

    ex = ProcessPoolExecutor(max_workers=1)
    futures = [ex.submit(nap, n) for n in range(6)]
    time.sleep(0.1)
    ex.shutdown(wait=False, cancel_futures=True)
    states = ["cancelled" if f.cancelled() else f.result() for f in futures]
    print("with cancel_futures=True:", states)
    print("  the running task finished:", states[0] == 0)
    print("  the last two were cancelled:", states[-2:] == ["cancelled", "cancelled"])
