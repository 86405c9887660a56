#!/usr/bin/python3
"""Load test of `tunebook serve`: C concurrent clients (default 100) each send R chat requests (default 3)
to a running server, bounded by a deadline; reports p50/p95 latency of answered requests, the count of each
status (429 when the queue is full) and requests lost (no HTTP answer at all: must be 0).

    bin/tunebook serve models/tiny-base --port 8765 --queue 16 --max-tokens 8 &
    /usr/bin/python3 bench/serve_load.py --url http://127.0.0.1:8765 --clients 100 --requests 3
"""
import argparse, http.client, json, os, statistics, threading, time, urllib.parse

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", default="http://127.0.0.1:8765")
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--requests", type=int, default=3)
    p.add_argument("--max-tokens", type=int, default=8)
    p.add_argument("--deadline", type=float, default=300.0, help="seconds for the whole test")
    a = p.parse_args()
    u = urllib.parse.urlparse(a.url)
    key = os.environ.get("TUNEBOOK_API_KEY")
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
                c = http.client.HTTPConnection(u.hostname, u.port, timeout=left)
                headers = {"Content-Type": "application/json"}
                if key:
                    headers["Authorization"] = "Bearer " + key
                c.request("POST", "/v1/chat/completions", body, headers)
                r = c.getresponse()
                r.read()
                c.close()
                with lock:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                    if r.status == 200:
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

if __name__ == "__main__":
    main()
