#!/usr/bin/env python3
"""Sou side by side with tantivy and SQLite FTS5 on the same corpora and the same queries.

For each corpus (generated with sou-corpus, or JSON lines / a folder of .txt/.md you give):

  1. samples queries of every class from it (`sou-corpus queries`): CJK substrings of 1, 2 and
     4 characters, an English term, 2-term AND, 3-term OR, 2-word phrase, 3-letter prefix*;
  2. Sou in-process (`sou-inprocess`: the SouIndex writer API, one commit, then Searcher);
  3. Sou through its socket: a real `soud` (root release build) on a temporary socket and data
     directory, `sou index FILE` for indexing speed, SEARCH limit=10 over a Unix socket;
  4. tantivy (PyPI `tantivy`, one indexing thread) and SQLite FTS5 (unicode61) on text where
     each CJK character is its own token with its real position (see `segment_cjk`), so a CJK
     query is an exact phrase query in both;
  5. checks that every engine returns exactly the brute-force match set of each CJK query;
  6. prints Sou's ratios to each engine: indexing MB/s, index size, p50/p99 per class.

Run from anywhere (paths are relative to this file):

    python3 Benchmarks/compare.py                      # 20 MB chinese + 20 MB mixed + seeds/
    python3 Benchmarks/compare.py --generate english:5MB --input my.jsonl --repeat 10
    python3 Benchmarks/compare.py --json results.json  # also write every number

Needs the release builds: `swift build -c release` at the root (soud, sou) and in Benchmarks/
(`swift build -c release --product sou-corpus --product sou-inprocess`); `--build` runs both.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLASSES = ["cjk1", "cjk2", "cjk4", "term", "and2", "or3", "phrase", "prefix"]
CJK_CLASSES = {"cjk1", "cjk2", "cjk4"}

# Sou's CJK class (Sources/SouAnalysis/ScriptClass.swift): Han, Kana, Hangul, Bopomofo.
CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3041-\u3096\u309d-\u309f"
    "\u30a1-\u30fa\u30fc-\u30ff\u3105-\u312f\u3131-\u318e\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9d"
    "\U00020000-\U0003134f"
)
CJK_CHAR = re.compile(f"[{CJK}]")
# Separators between two CJK characters (anything that is not a letter or digit).
CJK_GAP = re.compile(f"(?<=[{CJK}])(?:[^\\w]|_)+(?=[{CJK}])")
RUN_BREAK = " \u01c2 "  # ǂ: a letter no query uses, one token that keeps two CJK runs apart


def normalize(text):
    """Sou's normalization (NFKC + case folding), as Python spells it."""
    return unicodedata.normalize("NFKC", text).casefold()


def segment_cjk(text):
    """Text for tantivy and FTS5: normalized, each CJK character a token of its own.

    Two CJK runs separated only by spaces or punctuation get a RUN_BREAK token between them,
    so a phrase of CJK characters matches exactly where the characters are contiguous.
    """
    text = CJK_GAP.sub(RUN_BREAK, normalize(text))
    return CJK_CHAR.sub(lambda m: " " + m.group(0) + " ", text)


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[k]


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def du(path):
    total = 0
    for directory, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(directory, name)).st_size
            except FileNotFoundError:
                pass
    return total


# --------------------------------------------------------------------------- corpora


def load_jsonl(path):
    documents = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                obj = json.loads(line)
                fields = {k: v for k, v in obj.items() if k != "id" and isinstance(v, str)}
                documents.append((obj["id"], fields))
    return documents


def folder_to_jsonl(folder, output):
    """A folder of .txt/.md files as `sou index` reads it: id = path, title = first line, body = text."""
    with open(output, "w", encoding="utf-8") as out:
        for directory, _, files in sorted(os.walk(folder)):
            for name in sorted(files):
                if not name.lower().endswith((".txt", ".md")):
                    continue
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                title = next((line.strip() for line in text.splitlines() if line.strip()), "")
                doc_id = re.sub(r"\s", "_", os.path.relpath(path, folder))
                out.write(json.dumps({"id": doc_id, "title": title, "body": text}, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- Sou


def sou_inprocess(binaries, corpus, queries_path, repeat, workdir):
    data = os.path.join(workdir, "sou-inprocess")
    output = run(
        [binaries["sou-inprocess"], "--input", corpus, "--queries", queries_path, "--data-dir", data,
         "--repeat", str(repeat)],
        stdout=subprocess.PIPE,
    ).stdout
    report = json.loads(output)
    result = {"index_mb_s": report["index_mb_per_s"], "index_bytes": report["index_bytes"], "queries": []}
    for q in report["queries"]:
        result["queries"].append({
            "class": q["class"], "total": q["total"], "ms": q["ms"], "ms_snippets": q["ms_snippets"],
            "ids": set(q["ids"]) if "ids" in q else None,
        })
    shutil.rmtree(data, ignore_errors=True)
    return result


class SouSocket:
    """A line-protocol client over a Unix socket (text mode): reads data lines up to OK/ERR."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.file = self.sock.makefile("rwb")

    def call(self, line):
        self.file.write(line.encode("utf-8") + b"\n")
        self.file.flush()
        lines = []
        while True:
            reply = self.file.readline()
            if not reply:
                raise RuntimeError("soud closed the connection")
            if reply.startswith(b"OK") or reply.startswith(b"ERR"):
                return reply.decode("utf-8").rstrip("\n"), lines
            lines.append(reply)

    def close(self):
        self.sock.close()


def sou_daemon(binaries, corpus, queries, repeat, workdir):
    data = os.path.join(workdir, "soud-data")
    sock_path = os.path.join(workdir, "soud.sock")
    log_file = open(os.path.join(workdir, "soud.log"), "w")
    daemon = subprocess.Popen(
        [binaries["soud"], "--data-dir", data, "--socket", sock_path, "--log-level", "warning"],
        stdout=log_file, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(sock_path):
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"soud did not start; see {log_file.name}")
            time.sleep(0.05)
        size = os.path.getsize(corpus)
        start = time.perf_counter()
        run([binaries["sou"], "--socket", sock_path, "index", corpus], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        result = {"index_mb_s": size / 1048576 / seconds, "index_bytes": du(data), "queries": []}
        client = SouSocket(sock_path)
        for q in queries:
            entry = {"class": q["class"]}
            for key, snippet in (("ms", "off"), ("ms_snippets", "on")):
                line = f"SEARCH limit=10 snippet={snippet} -- {q['sou']}"
                status, _ = client.call(line)  # warm-up
                if not status.startswith("OK"):
                    raise RuntimeError(f"{line!r}: {status}")
                times = []
                for _ in range(repeat):
                    began = time.perf_counter()
                    client.call(line)
                    times.append((time.perf_counter() - began) * 1000)
                entry[key] = times
            result["queries"].append(entry)
        client.close()
        return result
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        log_file.close()
        shutil.rmtree(data, ignore_errors=True)


# --------------------------------------------------------------------------- tantivy


def tantivy_run(documents, segmented, queries, repeat, workdir):
    import tantivy

    path = os.path.join(workdir, "tantivy")
    os.makedirs(path)
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    field_names = sorted({name for _, fields in documents for name in fields})
    for name in field_names:
        builder.add_text_field(name, stored=True)  # "default": split on non-alphanumerics, lower-case
    schema = builder.build()
    index = tantivy.Index(schema, path=path)
    start = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for (doc_id, _), fields in zip(documents, segmented):
        writer.add_document(tantivy.Document(id=doc_id, **fields))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - start
    index.reload()
    searcher = index.searcher()
    result = {"index_seconds": seconds, "index_bytes": du(path), "queries": []}

    def query_text(q):
        """tantivy's query language for q; CJK segmentation happens here, outside the timing."""
        parts = [segment_cjk(p).split() for p in q["parts"]]
        klass = q["class"]
        if klass == "prefix":
            return re.escape(q["parts"][0]) + ".*"
        if klass in CJK_CLASSES or klass == "phrase":
            words = [w for p in parts for w in p]
            return '"' + " ".join(words) + '"' if len(words) > 1 else words[0]
        if klass == "term":
            return parts[0][0]
        if klass == "and2":
            return " ".join("+" + p[0] for p in parts)
        return " ".join(p[0] for p in parts)  # or3: the parser's default is OR

    def build(klass, text):
        """Parses (or builds) the query: part of the timed work, as parsing is for Sou."""
        if klass == "prefix":
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.regex_query(schema, f, text)) for f in field_names])
        return index.parse_query(text, field_names)

    snippet_field = "body" if "body" in field_names else field_names[0]
    for q in queries:
        entry = {"class": q["class"]}
        text = query_text(q)
        for key, snippets in (("ms", False), ("ms_snippets", True)):
            times = []
            for i in range(repeat + 1):
                began = time.perf_counter()
                query = build(q["class"], text)
                hits = searcher.search(query, 10)
                if snippets:
                    generator = tantivy.SnippetGenerator.create(searcher, query, schema, snippet_field)
                    for _, address in hits.hits:
                        doc = searcher.doc(address)
                        generator.snippet_from_doc(doc).to_html()
                        doc["id"]
                if i:
                    times.append((time.perf_counter() - began) * 1000)
            entry[key] = times
            entry["total"] = hits.count
        if q["class"] in CJK_CLASSES:
            query = build(q["class"], text)
            found = searcher.search(query, max(entry["total"], 1))
            entry["ids"] = {searcher.doc(address)["id"][0] for _, address in found.hits}
        result["queries"].append(entry)
    return result


# --------------------------------------------------------------------------- SQLite FTS5


def fts5_run(documents, segmented, queries, repeat, workdir):
    path = os.path.join(workdir, "fts5.db")
    field_names = sorted({name for _, fields in documents for name in fields})
    db = sqlite3.connect(path)
    columns = ", ".join(field_names)
    db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, {columns}, "
               "tokenize = 'unicode61 remove_diacritics 0')")
    rows = [(doc_id, *[fields.get(name, "") for name in field_names])
            for (doc_id, _), fields in zip(documents, segmented)]
    placeholders = ", ".join("?" * (len(field_names) + 1))
    start = time.perf_counter()
    with db:
        db.executemany(f"INSERT INTO docs VALUES ({placeholders})", rows)
    seconds = time.perf_counter() - start
    result = {"index_seconds": seconds, "index_bytes": os.path.getsize(path), "queries": []}

    def match(q):
        parts = [segment_cjk(p).split() for p in q["parts"]]
        klass = q["class"]
        if klass in CJK_CLASSES or klass == "phrase":
            return '"' + " ".join(w for p in parts for w in p) + '"'
        if klass == "term":
            return '"' + parts[0][0] + '"'
        if klass == "and2":
            return " AND ".join('"' + p[0] + '"' for p in parts)
        if klass == "or3":
            return " OR ".join('"' + p[0] + '"' for p in parts)
        return '"' + parts[0][0] + '"*'

    snippet_column = 1 + field_names.index("body") if "body" in field_names else -1
    top = "SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10"
    top_snippets = (f"SELECT id, snippet(docs, {snippet_column}, '«', '»', '…', 24) FROM docs "
                    "WHERE docs MATCH ? ORDER BY rank LIMIT 10")
    for q in queries:
        expression = match(q)
        entry = {"class": q["class"]}
        for key, sql in (("ms", top), ("ms_snippets", top_snippets)):
            times = []
            for i in range(repeat + 1):
                began = time.perf_counter()
                db.execute(sql, (expression,)).fetchall()
                if i:
                    times.append((time.perf_counter() - began) * 1000)
            entry[key] = times
        entry["total"] = db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (expression,)).fetchone()[0]
        if q["class"] in CJK_CLASSES:
            entry["ids"] = {row[0] for row in db.execute("SELECT id FROM docs WHERE docs MATCH ?", (expression,))}
        result["queries"].append(entry)
    db.close()
    return result


# --------------------------------------------------------------------------- the run


def oracle(documents, text):
    """Ids of documents one of whose normalized fields contains the normalized text."""
    needle = normalize(text)
    return {doc_id for doc_id, fields in documents if any(needle in value for value in fields)}


def summarize(result):
    by_class = {}
    for q in result["queries"]:
        slot = by_class.setdefault(q["class"], {"ms": [], "ms_snippets": []})
        slot["ms"] += q["ms"]
        slot["ms_snippets"] += q["ms_snippets"]
    return {k: {"p50": percentile(v["ms"], 50), "p99": percentile(v["ms"], 99),
                "p50_snippets": percentile(v["ms_snippets"], 50), "p99_snippets": percentile(v["ms_snippets"], 99)}
            for k, v in by_class.items()}


def compare_corpus(label, corpus, args, binaries, workdir):
    log(f"== {label}: {corpus} ({os.path.getsize(corpus) / 1048576:.1f} MB)")
    documents = load_jsonl(corpus)
    size = os.path.getsize(corpus)
    queries_path = os.path.join(workdir, "queries.jsonl")
    with open(queries_path, "w") as out:
        run([binaries["sou-corpus"], "queries", "--input", corpus, "--per-class", str(args.queries),
             "--seed", str(args.seed)], stdout=out)
    with open(queries_path) as handle:
        queries = [json.loads(line) for line in handle if line.strip()]
    log(f"   {len(documents)} documents, {len(queries)} queries")

    engines = {}
    log("   Sou in-process …")
    engines["sou"] = sou_inprocess(binaries, corpus, queries_path, args.repeat, workdir)
    log("   Sou through the socket …")
    engines["sou-socket"] = sou_daemon(binaries, corpus, queries, args.repeat, workdir)
    # The other engines get text already normalized and CJK-segmented; that preparation
    # (Python) is not counted in their indexing time.
    segmented = [{name: segment_cjk(value) for name, value in fields.items()} for _, fields in documents]
    log("   tantivy …")
    engines["tantivy"] = tantivy_run(documents, segmented, queries, args.repeat, workdir)
    engines["tantivy"]["index_mb_s"] = size / 1048576 / engines["tantivy"].pop("index_seconds")
    log("   SQLite FTS5 …")
    engines["fts5"] = fts5_run(documents, segmented, queries, args.repeat, workdir)
    engines["fts5"]["index_mb_s"] = size / 1048576 / engines["fts5"].pop("index_seconds")

    normalized = [(doc_id, [normalize(v) for v in fields.values()]) for doc_id, fields in documents]
    mismatches = []
    checked = 0
    for i, q in enumerate(queries):
        if q["class"] not in CJK_CLASSES:
            continue
        checked += 1
        expected = oracle(normalized, q["parts"][0])
        for engine in ("sou", "tantivy", "fts5"):
            got = engines[engine]["queries"][i]["ids"]
            if got != expected:
                mismatches.append(f"{engine} {q['sou']!r}: {len(got)} ids, oracle {len(expected)} "
                                  f"(missing {sorted(expected - got)[:3]}, extra {sorted(got - expected)[:3]})")
    return {
        "label": label, "bytes": size, "documents": len(documents), "queries": len(queries),
        "engines": {name: {"index_mb_s": e["index_mb_s"], "index_bytes": e["index_bytes"],
                           "classes": summarize(e)} for name, e in engines.items()},
        "cjk_checked": checked, "mismatches": mismatches,
    }


def ratio(a, b):
    return f"{a / b:.2f}×" if b else "–"


def print_table(report, out):
    e = report["engines"]
    s, ss, t, f = e["sou"], e["sou-socket"], e["tantivy"], e["fts5"]
    out.write(f"\n### {report['label']}: {report['bytes'] / 1048576:.1f} MB, {report['documents']} documents, "
              f"{report['queries']} queries\n\n")
    out.write("| measure | Sou in-process | Sou socket | tantivy | FTS5 | Sou/tantivy | Sou/FTS5 |\n")
    out.write("|---|---|---|---|---|---|---|\n")
    out.write(f"| indexing MB/s (higher is better) | {s['index_mb_s']:.2f} | {ss['index_mb_s']:.2f} | "
              f"{t['index_mb_s']:.2f} | {f['index_mb_s']:.2f} | {ratio(ss['index_mb_s'], t['index_mb_s'])} | "
              f"{ratio(ss['index_mb_s'], f['index_mb_s'])} |\n")
    out.write(f"| index size MB | {s['index_bytes'] / 1048576:.1f} | {ss['index_bytes'] / 1048576:.1f} | "
              f"{t['index_bytes'] / 1048576:.1f} | {f['index_bytes'] / 1048576:.1f} | "
              f"{ratio(ss['index_bytes'], t['index_bytes'])} | {ratio(ss['index_bytes'], f['index_bytes'])} |\n")
    for snippets in ("", "_snippets"):
        for stat in ("p50", "p99"):
            for klass in CLASSES:
                if klass not in s["classes"]:
                    continue
                row = [c["classes"][klass][stat + snippets] for c in (s, ss, t, f)]
                label = f"{stat} ms {klass}{' +snippets' if snippets else ''}"
                out.write(f"| {label} | {row[0]:.3f} | {row[1]:.3f} | {row[2]:.3f} | {row[3]:.3f} | "
                          f"{ratio(row[1], row[2])} | {ratio(row[1], row[3])} |\n")
    verdict = "all equal to the oracle" if not report["mismatches"] else f"{len(report['mismatches'])} MISMATCHES"
    out.write(f"\nCJK match sets ({report['cjk_checked']} queries × Sou, tantivy, FTS5 vs brute force): {verdict}\n")
    for line in report["mismatches"][:20]:
        out.write(f"- {line}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", action="append", metavar="KIND:SIZE",
                        help="a generated corpus, e.g. chinese:20MB (repeatable; default chinese:20MB, mixed:20MB)")
    parser.add_argument("--input", action="append", default=[], metavar="PATH",
                        help="a JSONL file, or a folder of .txt/.md files (repeatable; default also seeds/)")
    parser.add_argument("--no-seeds", action="store_true", help="leave seeds/ out of the default run")
    parser.add_argument("--seed", type=int, default=1, help="corpus and query seed (default 1)")
    parser.add_argument("--queries", type=int, default=10, help="queries per class (default 10)")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query (default 10)")
    parser.add_argument("--build", action="store_true", help="run the two release builds first")
    parser.add_argument("--json", metavar="FILE", help="write every number to FILE")
    args = parser.parse_args()
    generate = args.generate or ["chinese:20MB", "mixed:20MB"]
    inputs = args.input or ([] if args.no_seeds or args.generate else [os.path.join(ROOT, "seeds")])

    if args.build:
        run(["swift", "build", "-c", "release"], cwd=ROOT)
        run(["swift", "build", "-c", "release", "--product", "sou-corpus"], cwd=HERE)
        run(["swift", "build", "-c", "release", "--product", "sou-inprocess"], cwd=HERE)
    binaries = {
        "soud": os.path.join(ROOT, ".build/release/soud"),
        "sou": os.path.join(ROOT, ".build/release/sou"),
        "sou-corpus": os.path.join(HERE, ".build/release/sou-corpus"),
        "sou-inprocess": os.path.join(HERE, ".build/release/sou-inprocess"),
    }
    missing = [path for path in binaries.values() if not os.access(path, os.X_OK)]
    if missing:
        sys.exit(f"compare.py: missing {', '.join(missing)}; build them (or pass --build)")

    reports = []
    with tempfile.TemporaryDirectory(prefix="sou-compare-") as workdir:
        corpora = []
        for spec in generate:
            kind, _, size = spec.partition(":")
            path = os.path.join(workdir, f"{kind}-{size}.jsonl")
            run([binaries["sou-corpus"], "--seed", str(args.seed), "--size", size or "20MB", "--kind", kind,
                 "--output", path])
            corpora.append((f"generated {kind} {size} seed {args.seed}", path))
        for path in inputs:
            if os.path.isdir(path):
                converted = os.path.join(workdir, os.path.basename(os.path.normpath(path)) + ".jsonl")
                folder_to_jsonl(path, converted)
                corpora.append((os.path.relpath(path, ROOT) + "/", converted))
            else:
                corpora.append((os.path.basename(path), path))
        for label, path in corpora:
            with tempfile.TemporaryDirectory(dir=workdir) as scratch:
                reports.append(compare_corpus(label, path, args, binaries, scratch))
    for report in reports:
        print_table(report, sys.stdout)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(reports, out, indent=1, ensure_ascii=False)
    sys.exit(1 if any(r["mismatches"] for r in reports) else 0)


if __name__ == "__main__":
    main()
