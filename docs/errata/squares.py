import time
from concurrent.futures import ProcessPoolExecutor

def square(n):
    return n * n

if __name__ == '__main__':
    numbers = list(range(1, 11))
    start = time.time()
    with ProcessPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(square, numbers))
    pool = time.time() - start
    print(f"pool:       {results} in {pool:.4f}s")
    start = time.time()
    results = [square(n) for n in numbers]
    loop = time.time() - start
    print(f"plain loop: {results} in {loop:.6f}s")
    print("the plain loop was faster:", loop < pool)
