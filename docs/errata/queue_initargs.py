import multiprocessing
from concurrent.futures import ProcessPoolExecutor

queue = None

def setup(q):
    global queue
    queue = q

def report(n):
    queue.put(f"hello from task {n}")
    return n

if __name__ == '__main__':
    for method in ("fork", "spawn"):
        ctx = multiprocessing.get_context(method)
        q = ctx.Queue()
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=setup, initargs=(q,)) as ex:
            print(method, ex.submit(report, 1).result(), q.get())
