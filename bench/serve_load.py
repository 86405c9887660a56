#!/usr/bin/python3
"""Load test of `tunebook serve` (loopback only, bounded in time).

Burst mode (issue 12's guards): C concurrent clients (default 100) each send R chat requests (default 3),
bounded by a deadline; reports p50/p95 latency of answered requests, the count of each status (429 when the
queue is full) and requests lost (no HTTP answer at all: must be 0).

    bin/tunebook serve models/tiny-base --port 8765 --queue 16 --max-tokens 8 &
    /usr/bin/python3 bench/serve_load.py --url http://127.0.0.1:8765 --clients 100 --requests 3

Throughput mode (--levels 1,8,32): for each concurrency level in turn, that many clients send requests back to
back for --seconds (default 20) after a --warmup (default 3 s) whose requests are not counted; each request asks
for exactly --max-tokens tokens (no stop: `ignore_eos` is not OpenAI's, so a prompt whose greedy answer runs to
the limit is used and the tokens actually generated are read from `usage`). Prints one JSON line per level:
generated tokens/s, requests/s, p50/p95 latency, statuses, and the ratio to the first level.

    bin/tunebook serve models/tiny-base --port 8765 --max-tokens 64 &
    /usr/bin/python3 bench/serve_load.py --url http://127.0.0.1:8765 --levels 1,8,32 --max-tokens 64
"""
import argparse, http.client, json, os, statistics, threading, time, urllib.parse

# Greedy tiny-base repeats "9" and "," after it to any limit (ServerGuardsTest relies on the same prompt).
LONG_PROMPT = "1 2 3 4 5 6 7 8 9"


def post(u, key, path, body, timeout):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = "Bearer " + key
    try:
        c.request("POST", path, body, headers)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def quantile(values, q):
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100)[q - 1], 3)


def level(u, key, clients, seconds, warmup, max_tokens):
    body = json.dumps({"prompt": LONG_PROMPT, "max_tokens": max_tokens, "temperature": 0})
    lock = threading.Lock()
    latencies, statuses, tokens, lost = [], {}, [0], []
    t_start = time.monotonic()
    counted_from = t_start + warmup
    t_end = counted_from + seconds

    def client():
        while True:
            start = time.monotonic()
            if start >= t_end:
                return
            try:
                status, data = post(u, key, "/v1/completions", body, timeout=max(30.0, seconds * 4))
            except Exception as e:  # no HTTP answer: a lost request
                with lock:
                    lost.append(repr(e))
                return
            done = time.monotonic()
            # Counted when it both started after the warm-up and ended inside the window.
            if start < counted_from or done > t_end:
                continue
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    latencies.append(done - start)
                    tokens[0] += json.loads(data)["usage"]["completion_tokens"]

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"clients": clients, "seconds": seconds, "requests": len(latencies),
            "tokens_per_second": round(tokens[0] / seconds, 1),
            "requests_per_second": round(len(latencies) / seconds, 2),
            "p50_s": quantile(latencies, 50), "p95_s": quantile(latencies, 95),
            "statuses": {str(k): v for k, v in sorted(statuses.items())}, "lost": len(lost)}


def burst(u, key, a):
    body = json.dumps({"messages": [{"role": "user", "content": "Bonjour, où est ma commande ?"}],
                       "max_tokens": a.max_tokens})
    lock = threading.Lock()
    latencies, statuses, lost = [], {}, []
    end = time.monotonic() + a.deadline

    def client(i):
        for _ in range(a.requests):
            left = end - time.monotonic()
            if left <= 0:
                with lock:
                    lost.append("deadline")
                return
            start = time.monotonic()
            try:
                status, _ = post(u, key, "/v1/chat/completions", body, timeout=left)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies.append(time.monotonic() - start)
            except Exception as e:  # no HTTP answer: a lost request
                with lock:
                    lost.append(repr(e))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [float("nan")] * 19
    print(json.dumps({"clients": a.clients, "requests": a.clients * a.requests, "wall_s": round(wall, 1),
                      "statuses": {str(k): v for k, v in sorted(statuses.items())}, "lost": len(lost),
                      "p50_s": round(statistics.median(latencies), 3) if latencies else None,
                      "p95_s": round(q[18], 3) if latencies else None}))
    if lost:
        print("lost:", lost[:5])
        raise SystemExit(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", default="http://127.0.0.1:8765")
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--requests", type=int, default=3)
    p.add_argument("--max-tokens", type=int, default=8)
    p.add_argument("--deadline", type=float, default=300.0, help="seconds for the whole burst test")
    p.add_argument("--levels", help="throughput mode: comma-separated client counts, e.g. 1,8,32")
    p.add_argument("--seconds", type=float, default=20.0, help="measured seconds per level")
    p.add_argument("--warmup", type=float, default=3.0, help="uncounted seconds before each level")
    a = p.parse_args()
    u = urllib.parse.urlparse(a.url)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("serve_load.py: loopback only, got " + str(u.hostname))
    key = os.environ.get("TUNEBOOK_API_KEY")
    if not a.levels:
        burst(u, key, a)
        return
    first = None
    lost = 0
    for n in [int(x) for x in a.levels.split(",")]:
        r = level(u, key, n, a.seconds, a.warmup, a.max_tokens)
        first = first or r["tokens_per_second"]
        r["ratio_to_first"] = round(r["tokens_per_second"] / first, 2) if first else None
        lost += r["lost"]
        print(json.dumps(r), flush=True)
    if lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
