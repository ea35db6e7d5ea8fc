"""Host-time measurement shared by the benchmarks."""
import time


def best_of(fn, reps: int = 3) -> float:
    """The shortest of `reps` wall-clock timings of fn(), in seconds."""
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best
