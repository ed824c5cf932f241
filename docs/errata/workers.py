import os, sys
from concurrent.futures import ProcessPoolExecutor
if __name__ == '__main__':
    print(sys.version.split()[0], "os.cpu_count():", os.cpu_count(),
          "affinity:", len(os.sched_getaffinity(0)),
          "process_cpu_count():", getattr(os, "process_cpu_count", lambda: "n/a")(),
          "max_workers:", ProcessPoolExecutor()._max_workers)
