#!/usr/bin/env python3
"""Seconds from spawning soud to its first answered PING (docs/SCALING.md).

usage: start_to_ping.py SOUD DATA_DIR SOCKET [RUNS] [--cold]
--cold drops the page cache before each run (root: sync; echo 3 > /proc/sys/vm/drop_caches)."""
import os, socket, subprocess, sys, time
soud, data, sock = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4].isdigit() else 5
cold = "--cold" in sys.argv
results = []
for _ in range(runs):
    if cold:
        subprocess.run("sync; echo 3 > /proc/sys/vm/drop_caches", shell=True, check=True)
    if os.path.exists(sock): os.unlink(sock)
    start = time.monotonic()
    p = subprocess.Popen([soud, "--data-dir", data, "--socket", sock], stdout=subprocess.DEVNULL, stderr=open("os.devnull", "a"))
    while True:
        try:
            s = socket.socket(socket.AF_UNIX); s.connect(sock); s.sendall(b"PING\n")
            reply = s.recv(100); s.close()
            if reply.startswith(b"OK PONG"): break
        except OSError:
            time.sleep(0.002)
    results.append(time.monotonic() - start)
    p.terminate(); p.wait()
print(" ".join(f"{r:.3f}" for r in results), "median", f"{sorted(results)[len(results)//2]:.3f}")
