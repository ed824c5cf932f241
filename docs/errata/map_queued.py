import os, tempfile, time
from concurrent.futures import ProcessPoolExecutor

def inverse(args):
    n, ran = args
    open(os.path.join(ran, str(n)), "w").close()  # leave a mark: n ran
    time.sleep(0.5)  # the time the main thread has to cancel items 4 to 7
    return 1 / n

if __name__ == '__main__':
    with tempfile.TemporaryDirectory() as ran:
        with ProcessPoolExecutor(max_workers=1) as ex:
            try:
                for r in ex.map(inverse, [(n, ran) for n in range(8)]):
                    print("got", r)
            except ZeroDivisionError as e:
                print("map raised:", repr(e))
        done = sorted(int(name) for name in os.listdir(ran))
        print("items that ran:", done)
        print("items 1 and 2 ran after the exception:", done[:3] == [0, 1, 2])
        print("any of items 4 to 7 ran:", any(n >= 4 for n in done))
