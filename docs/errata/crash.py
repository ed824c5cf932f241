import multiprocessing, os, time
from concurrent.futures import ProcessPoolExecutor

def start(event):
    global all_submitted
    all_submitted = event

def work(n):
    if n == 1:
        all_submitted.wait()  # let the parent submit all four tasks first
        os._exit(3)           # then the worker dies, while task 0 is running
    time.sleep(5)
    return n

if __name__ == '__main__':
    all_submitted = multiprocessing.Event()
    with ProcessPoolExecutor(max_workers=2, initializer=start,
                             initargs=(all_submitted,)) as ex:
        futures = [ex.submit(work, n) for n in range(4)]
        all_submitted.set()
        for n, f in enumerate(futures):
            try:
                print(n, "->", f.result())
            except Exception as e:
                print(n, "->", type(e).__name__ + ":", e)
        try:
            ex.submit(work, 9)
        except Exception as e:
            print("submit afterwards ->", type(e).__name__ + ":", e)
