import heapq, inspect, time
import concurrent.futures
from concurrent.futures import ProcessPoolExecutor

def process_data(data_chunk):
    time.sleep(0.1)
    return [x * 2 for x in data_chunk]

def calls(chunksize, items):
    with ProcessPoolExecutor(max_workers=4) as ex:
        start = time.time()
        list(ex.map(process_data, items, chunksize=chunksize))
        return time.time() - start

def sleeping(chunksize, n, workers=4):
    """The seconds of sleep on the busiest worker, each chunk going to the first free one."""
    free = [0.0] * workers
    for first in range(0, n, chunksize):
        heapq.heappush(free, heapq.heappop(free) + 0.1 * min(chunksize, n - first))
    return max(free)

if __name__ == '__main__':
    data = list(range(100))
    lists = [data[i:i + 10] for i in range(0, len(data), 10)]
    print("default chunksize:", inspect.signature(ProcessPoolExecutor.map).parameters["chunksize"].default)
    for c in (1, 1, 2, 3, 5, 10):
        print(f"chunksize={c:2}: {calls(c, lists):.2f}s for {len(lists)} items, {sleeping(c, len(lists)):.1f}s of sleep on the busiest worker")
