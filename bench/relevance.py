"""Relevance of /quote search on a query set: recall@1/3/5 and MRR per kind and overall.

    python bench/relevance.py [--queries ../shared/eval/dev_queries.jsonl] [--seeds seeds] [--misses] [--words-only]

The hit rule follows the query set's README: a result is a hit when its text contains one expected phrase once
whitespace, quotes and case are normalized. A `cross` query scores only when every expected phrase is in the top 5.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.library import Library  # noqa: E402
from core.meaning import SentenceModel  # noqa: E402
from core.meaning.vectors import PassageVectors  # noqa: E402
from core.store import Store  # noqa: E402

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(QUOTES)).strip().lower()


def first_hit_rank(texts: list[str], expect: list[str], kind: str) -> int | None:
    """1-based rank at which the query counts as answered, or None."""
    ranks = []
    for phrase in expect:
        rank = next((i for i, text in enumerate(texts, 1) if normalize(phrase) in normalize(text)), None)
        ranks.append(rank)
    if kind == "cross":
        return max(ranks) if all(r is not None for r in ranks) and max(ranks) <= 5 else None
    found = [r for r in ranks if r is not None]
    return min(found) if found else None


async def evaluate(queries: list[dict], seeds: Path, show_misses: bool, meaning: bool) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        async with await Store.open(Path(tmp) / "eval.sqlite3") as store:
            await store.migrate()
            model = SentenceModel.load() if meaning else None
            library = Library(store, PassageVectors(store, model) if model else None)
            await library.sync_folder(seeds)
            if library.vectors is not None:
                await library.vectors.encode_all()
            ranks: dict[str, list[int | None]] = defaultdict(list)
            for item in queries:
                results = await library.search(item["query"], limit=10)
                rank = first_hit_rank([r.text for r in results], item["expect"], item["kind"])
                ranks[item["kind"]].append(rank)
                if show_misses and (rank is None or rank > 1):
                    print(f"  rank {rank}: [{item['kind']}] {item['query']}", file=sys.stderr)
                    for r in results[:3]:
                        print(f"      {r.score:.3f} {r.passage_id} {r.text[:90]}", file=sys.stderr)
    ranks["overall"] = [r for kind in list(ranks) for r in ranks[kind]]
    return {kind: metrics(values) for kind, values in ranks.items()}


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    hit = lambda k: sum(1 for r in ranks if r is not None and r <= k) / n  # noqa: E731
    return {"n": n, "R@1": hit(1), "R@3": hit(3), "R@5": hit(5),
            "MRR": sum(1 / r for r in ranks if r is not None) / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=ROOT.parent / "shared" / "eval" / "dev_queries.jsonl")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--misses", action="store_true", help="print queries not answered at rank 1")
    parser.add_argument("--words-only", action="store_true", help="rank without search by meaning")
    args = parser.parse_args()
    queries = [json.loads(line) for line in args.queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = asyncio.run(evaluate(queries, args.seeds, args.misses, not args.words_only))
    print(f"{'kind':<11}{'n':>4}{'R@1':>8}{'R@3':>8}{'R@5':>8}{'MRR':>8}")
    for kind in sorted(table, key=lambda k: (k == "overall", k)):
        row = table[kind]
        print(f"{kind:<11}{row['n']:>4}{row['R@1']:>8.3f}{row['R@3']:>8.3f}{row['R@5']:>8.3f}{row['MRR']:>8.3f}")


if __name__ == "__main__":
    main()
