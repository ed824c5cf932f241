import multiprocessing, re
from concurrent.futures import ProcessPoolExecutor

def report(q):
    print("the task ran in a worker", flush=True)  # only if the call reaches a worker
    q.put("hello from the worker")
    return "done"

if __name__ == '__main__':
    q = multiprocessing.Queue()
    with ProcessPoolExecutor(max_workers=1) as ex:
        f = ex.submit(report, q)
        try:
            print(f.result())
        except Exception as e:
            print(type(e).__name__ + ":", e)
            # Where it was raised: the traceback that the pool attached.
            frames = re.findall(r'File ".*/(\w+\.py)", line \d+, in (\w+)', str(e.__cause__))
            print("raised in the parent, in:", " -> ".join(f"{fn} ({file})" for file, fn in frames))
    m = multiprocessing.Manager()
    mq = m.Queue()
    with ProcessPoolExecutor(max_workers=1) as ex:
        print("with a Manager().Queue():", ex.submit(report, mq).result(), "/", mq.get())
