import time
from concurrent.futures import ProcessPoolExecutor

def nap(n):
    time.sleep(0.5)
    print("task", n, "finished", flush=True)
    return n

if __name__ == '__main__':
    ex = ProcessPoolExecutor(max_workers=1)
    for n in range(3):
        ex.submit(nap, n)
    ex.shutdown(wait=False)
    print("main program ends here", flush=True)
