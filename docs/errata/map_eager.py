from concurrent.futures import ProcessPoolExecutor

def square(n):
    return n * n

def numbers():
    for n in range(1, 6):
        print("  handing out", n, flush=True)
        yield n

if __name__ == '__main__':
    with ProcessPoolExecutor(max_workers=2) as ex:
        results = ex.map(square, numbers())
        print("map() returned", flush=True)
        print("first result:", next(results), flush=True)
