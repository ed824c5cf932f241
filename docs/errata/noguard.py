import sys
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def square(n):
    return n * n

print("module body runs in", multiprocessing.current_process().name, flush=True)
ctx = multiprocessing.get_context(sys.argv[1] if len(sys.argv) > 1 else None)
with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as ex:
    print(ctx.get_start_method(), "->", ex.submit(square, 7).result(), flush=True)
