import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor

def square(n):
    return n * n

if __name__ == '__main__':
    print(sys.version.split()[0], "default start method:", multiprocessing.get_start_method())
    for method in ("fork", "spawn"):
        ctx = multiprocessing.get_context(method)
        with ProcessPoolExecutor(max_workers=4, mp_context=ctx) as ex:
            print(f"  {method:6}: before any submit: {len(ex._processes)} processes", end="; ")
            for _ in range(3):
                ex.submit(square, 3).result()
            print(f"after 3 tasks one at a time: {len(ex._processes)} processes")
