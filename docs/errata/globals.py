import multiprocessing
from concurrent.futures import ProcessPoolExecutor

SETTING = "set at import"

def read_setting(_):
    return SETTING

if __name__ == '__main__':
    SETTING = "changed by the parent before the pool started"
    for method in ("fork", "spawn", "forkserver"):
        ctx = multiprocessing.get_context(method)
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as ex:
            print(f"{method:10}: the worker sees {ex.submit(read_setting, 0).result()!r}")
