"""Search at library scale: build a generated 100,000-passage library, then time queries.

    python bench/search_scale.py [--passages 100000] [--queries 300] [--seed 7]

Prints index build time (parsing + indexing the files, as at a first start), the time of a second start when
nothing changed, how fast passages are encoded for search by meaning, median and p95 query latency, and peak RSS.
The corpus is generated with a fixed seed: words are drawn with a Zipf-like law over an English-shaped vocabulary
(function words, the bundled essays' words, made-up names), in 1,000 essays with sections; only a small sample of
passages stays in memory to build queries from.
Queries mix the kinds members type: phrases with typos, keywords, a name, and questions.

Encoding 100,000 passages for search by meaning takes about half an hour on one core (the bot does it in the
background), so the bench encodes a sample for real, times it, and gives every other passage a copy of a sampled
vector: query latency depends on how many vectors are read, not on their values. `--words-only` leaves the
sentence model out altogether.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.essays import load_folder  # noqa: E402
from core.library import Library  # noqa: E402
from core.meaning import MODEL_ID, SentenceModel  # noqa: E402
from core.meaning.vectors import PassageVectors  # noqa: E402
from core.store import Store  # noqa: E402
from core.text import STOPWORDS, fold, pieces  # noqa: E402

PASSAGES_PER_ESSAY = 100
SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "sa", "vel", "din", "or", "ex", "pra", "lun", "gat", "is", "um", "bre"]


def ranked_vocabulary(rng: random.Random, size: int) -> list[str]:
    """Words in frequency-rank order, shaped like English: function words first, then the bundled essays' words
    by how often they use them, then made-up words (names, jargon), shorter ones more common."""
    essays, _ = load_folder(ROOT / "seeds")
    counts = Counter(w for e in essays for p in e.passages for w in pieces(fold(p.text)))
    function_words = sorted(STOPWORDS & counts.keys(), key=lambda w: -counts[w])
    content = [w for w, _ in counts.most_common() if w not in STOPWORDS]
    invented: set[str] = set()
    while len(invented) < size - len(function_words) - len(content):
        invented.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))))
    return function_words + content + sorted(invented, key=lambda w: (len(w), rng.random()))


def write_corpus(folder: Path, passages: int, rng: random.Random, sample: int) -> list[list[str]]:
    """Write the generated essays; return a sample of their passages to build queries from."""
    vocabulary = ranked_vocabulary(rng, 60_000)
    cumulative = list(accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(vocabulary))))
    kept: list[list[str]] = []
    for essay_number in range(passages // PASSAGES_PER_ESSAY):
        lines = [f"---\ntitle: Generated essay {essay_number}\nauthor: Bench\n---\n"]
        for paragraph in range(PASSAGES_PER_ESSAY):
            if paragraph % 20 == 0:
                lines.append(f"## Section {paragraph // 20 + 1}\n")
            text = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(40, 140))
            if rng.random() < sample / passages:
                kept.append(text)
            lines.append(" ".join(text).capitalize() + ".\n")
        (folder / f"essay-{essay_number:04d}.md").write_text("\n".join(lines), encoding="utf-8")
    return kept


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2:]


KINDS = ("typo", "keywords", "name", "question")


def remembered_phrase(text: list[str], rng: random.Random) -> list[str]:
    """4-9 consecutive words with at least two content words in them (nobody recalls "by the from as")."""
    for _ in range(20):
        start = rng.randrange(0, max(1, len(text) - 8))
        phrase = text[start:start + rng.randint(4, 9)]
        if sum(w not in STOPWORDS for w in phrase) >= 2:
            return phrase
    return phrase


def make_queries(texts: list[list[str]], count: int, rng: random.Random) -> list[tuple[str, str]]:
    queries = []
    for n in range(count):
        text = rng.choice(texts)
        content = [w for w in text if w not in STOPWORDS] or text
        kind = KINDS[n % len(KINDS)]
        if kind == "typo":        # a remembered phrase with typos: people remember phrases by their content words
            phrase = remembered_phrase(text, rng)
            query = " ".join(typo(w, rng) if rng.random() < 0.3 else w for w in phrase)
        elif kind == "keywords":  # a few of the passage's content words
            query = " ".join(rng.sample(content, min(3, len(content))))
        elif kind == "name":      # the passage's longest word, maybe misspelled
            query = typo(max(content, key=len), rng)
        else:                     # a question around two of its content words
            query = f"what does the essay say about {' and '.join(rng.sample(content, min(2, len(content))))}?"
        queries.append((kind, query))
    return queries


async def encode_sample(store: Store, vectors: PassageVectors, sample: int) -> float:
    """Encode `sample` passages for real and copy their vectors to the rest; returns passages encoded a second."""
    started = time.perf_counter()
    done = 0
    while done < sample:
        done += await vectors.encode_pending()
    rate = done / (time.perf_counter() - started)
    # Copies are made inside SQLite, so the bench holds no extra vectors in memory.
    async with store.transaction() as db:
        await db.execute("CREATE TEMP TABLE sample AS SELECT row_number() OVER () - 1 AS n, vector FROM passage_vectors")
        await db.execute("INSERT INTO passage_vectors (passage_id, model, vector) SELECT p.id, ?, s.vector"
                         " FROM passages p JOIN sample s ON s.n = p.id % (SELECT COUNT(*) FROM sample)"
                         " WHERE p.id NOT IN (SELECT passage_id FROM passage_vectors)", (MODEL_ID,))
        await db.execute("DROP TABLE sample")
    return rate


async def run(passages: int, query_count: int, seed: int, meaning: bool) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "seeds"
        folder.mkdir()
        texts = write_corpus(folder, passages, rng, sample=max(query_count, 500))
        queries = make_queries(texts, query_count, rng)
        async with await Store.open(Path(tmp) / "bench.sqlite3") as store:
            await store.migrate()
            started = time.perf_counter()
            report = await Library(store).sync_folder(folder)
            build = time.perf_counter() - started
            started = time.perf_counter()
            model = SentenceModel.load() if meaning else None
            vectors = PassageVectors(store, model) if model else None
            library = Library(store, vectors)  # a restart: nothing changed, nothing is re-indexed
            again = await library.sync_folder(folder)
            restart = time.perf_counter() - started
            rate = await encode_sample(store, vectors, 400) if vectors else None
            started = time.perf_counter()
            await library.search("warm up", limit=5)
            first = time.perf_counter() - started
            by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for kind, query in queries:
                started = time.perf_counter()
                await library.search(query, limit=5)
                by_kind[kind].append((time.perf_counter() - started) * 1000)
    latencies = sorted(ms for values in by_kind.values() for ms in values)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"passages indexed     {passages} in {len(report.indexed)} essays")
    print(f"index build          {build:.1f} s")
    print(f"restart, unchanged   {restart:.1f} s ({len(again.indexed)} essays re-indexed)")
    if rate is not None:
        print(f"meaning: encoding    {rate:.0f} passages/s, so {passages / rate / 60:.0f} min for all in the background")
    print(f"first query          {first:.1f} s (loads the vocabulary and builds the spelling tables)")
    print(f"queries              {len(latencies)}")
    print(f"latency median       {statistics.median(latencies):.2f} ms")
    print(f"latency p95          {latencies[int(len(latencies) * 0.95) - 1]:.2f} ms")
    print(f"latency max          {latencies[-1]:.2f} ms")
    for kind, values in by_kind.items():
        values.sort()
        print(f"  {kind:<10} median {statistics.median(values):6.2f} ms   p95 {values[int(len(values) * 0.95) - 1]:6.2f} ms")
    print(f"peak RSS             {peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--words-only", action="store_true", help="leave the sentence model out")
    args = parser.parse_args()
    asyncio.run(run(args.passages, args.queries, args.seed, not args.words_only))


if __name__ == "__main__":
    main()
