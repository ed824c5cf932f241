import time
from concurrent.futures import ProcessPoolExecutor

def inverse(n):
    time.sleep(0.2)
    return 1 / n

if __name__ == '__main__':
    with ProcessPoolExecutor(max_workers=2) as ex:
        results = ex.map(inverse, [4, 2, 0, 1, 5, 8])
        try:
            for r in results:
                print("got", r)
        except ZeroDivisionError as e:
            print("map raised:", repr(e))
        print("next(results):", next(results, "iterator is finished"))
