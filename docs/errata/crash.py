import os, time
from concurrent.futures import ProcessPoolExecutor

def work(n):
    if n == 1:
        os._exit(3)  # the worker dies at once, while task 0 is still running
    time.sleep(0.5)
    return n

if __name__ == '__main__':
    with ProcessPoolExecutor(max_workers=2) as ex:
        futures = [ex.submit(work, n) for n in range(4)]
        for n, f in enumerate(futures):
            try:
                print(n, "->", f.result())
            except Exception as e:
                print(n, "->", type(e).__name__ + ":", e)
        try:
            ex.submit(work, 9)
        except Exception as e:
            print("submit afterwards ->", type(e).__name__ + ":", e)
