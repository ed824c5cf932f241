import time
from concurrent.futures import ProcessPoolExecutor

def factorial(n):
    result = 1
    for i in range(1, n + 1):
        result *= i
    return result

if __name__ == '__main__':
    numbers = [5, 10, 15, 20]
    start = time.time()
    with ProcessPoolExecutor(max_workers=4) as executor:
        results = [f.result() for f in [executor.submit(factorial, n) for n in numbers]]
    print(f"pool:   {results} in {time.time() - start:.4f}s")
    start = time.time()
    results = [factorial(n) for n in numbers]
    print(f"serial: {results} in {time.time() - start:.6f}s")
