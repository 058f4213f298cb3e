import { describe, expect, it } from 'vitest';
import { createDedupIndex, dedupWords, minhash } from './index.ts';

const ORIGINAL =
  'Acme Cloud is down again for the third time this week, our whole team cannot deploy anything';

describe('near-duplicate groups', () => {
  // [variant of ORIGINAL, same group?]
  const cases: Array<[string, boolean]> = [
    [`RT @bob: ${ORIGINAL}`, true],
    [`${ORIGINAL} https://t.co/abc123`, true],
    [`@acmesupport ${ORIGINAL}`, true],
    [ORIGINAL.toUpperCase(), true],
    [`${ORIGINAL}!!! #fail`, true],
    [ORIGINAL.replace('third', '3rd'), true],
    ['Acme Cloud is great, deployed three services today without any trouble at all', false],
    ['The weather this week is terrible, the whole team is working from home again', false],
  ];
  it.each(cases)('%s → grouped: %s', (variant, grouped) => {
    const index = createDedupIndex();
    expect(index.assign('a:1', ORIGINAL)).toEqual({ dup_group: null, group_size: 1 });
    const r = index.assign('a:2', variant);
    expect(r.dup_group).toBe(grouped ? 'a:1' : null);
    expect(r.group_size).toBe(grouped ? 2 : 1);
  });

  it('counts a copy-paste campaign as one group and keeps distinct posts apart', () => {
    const index = createDedupIndex();
    const campaign = 'Get 50% off Acme Cloud hosting today only, use code SAVE50 at checkout now';
    const results = Array.from({ length: 20 }, (_, i) =>
      index.assign(`c:${i}`, `${campaign} https://spam.example/${i} @user${i}`),
    );
    expect(results[0]).toEqual({ dup_group: null, group_size: 1 });
    expect(results.slice(1).every((r) => r.dup_group === 'c:0')).toBe(true);
    expect(results.at(-1)!.group_size).toBe(20);
    const other = index.assign(
      'o:1',
      'I really enjoy the new Acme Cloud dashboard, the graphs are clear',
    );
    expect(other.dup_group).toBeNull();
  });

  it('groups syndicated news that differs by outlet boilerplate', () => {
    const story =
      'Acme recalls two million cars over a brake fault, regulators said on Tuesday. The company said no injuries had been reported and owners would be contacted by letter.';
    const index = createDedupIndex();
    index.assign('rss:reuters-1', `Reuters: ${story} https://reuters.example/a`);
    expect(index.assign('rss:bbc-1', `${story} — BBC News`).dup_group).toBe('rss:reuters-1');
    expect(index.assign('rss:ap-1', `(AP) ${story} Read more at apnews.example`).group_size).toBe(
      3,
    );
  });

  it('is idempotent for a redelivered id', () => {
    const index = createDedupIndex();
    index.assign('a:1', ORIGINAL);
    const first = index.assign('a:2', `RT @x: ${ORIGINAL}`);
    const again = index.assign('a:2', `RT @x: ${ORIGINAL}`);
    expect(again).toEqual(first);
    expect(index.assign('a:3', ORIGINAL).group_size).toBe(3);
  });

  it('handles empty and link-only text without grouping it', () => {
    const index = createDedupIndex();
    expect(index.assign('e:1', '')).toEqual({ dup_group: null, group_size: 1 });
    expect(index.assign('e:2', 'https://a.example/x')).toEqual({ dup_group: null, group_size: 1 });
    expect(index.assign('e:3', 'https://b.example/y')).toEqual({ dup_group: null, group_size: 1 });
  });

  it('groups identical short posts exactly', () => {
    const index = createDedupIndex();
    index.assign('s:1', 'Acme rocks');
    expect(index.assign('s:2', 'acme ROCKS!').dup_group).toBe('s:1');
    expect(index.assign('s:3', 'Acme sucks').dup_group).toBeNull();
  });

  it('survives a restart through a JSON snapshot', () => {
    const index = createDedupIndex();
    index.assign('a:1', ORIGINAL);
    index.assign('a:2', `RT @bob: ${ORIGINAL}`);
    const json = JSON.parse(JSON.stringify(index.snapshot())) as unknown;
    const restored = createDedupIndex({}, json);
    expect(restored.size).toBe(2);
    expect(restored.assign('a:3', `${ORIGINAL} http://x.y`)).toEqual({
      dup_group: 'a:1',
      group_size: 3,
    });
    expect(restored.assign('a:2', 'whatever')).toEqual({ dup_group: 'a:1', group_size: 3 });
  });

  it('rejects a snapshot of the wrong shape or with inconsistent columns', () => {
    expect(() => createDedupIndex({}, { version: 99 })).toThrow();
    const index = createDedupIndex();
    index.assign('a:1', ORIGINAL);
    const snap = index.snapshot() as { ids: string[] };
    expect(() => createDedupIndex({}, { ...snap, ids: [...snap.ids, 'a:2'] })).toThrow(
      /inconsistent/,
    );
  });

  it('stays within maxEntries, forgetting the oldest', () => {
    const index = createDedupIndex({ maxEntries: 50 });
    for (let i = 0; i < 500; i++)
      index.assign(`m:${i}`, `post number ${i} about topic ${i % 7} and more words ${i * 13}`);
    expect(index.size).toBe(50);
    // The oldest is forgotten: a copy of it starts a new group.
    expect(
      index.assign('m:new', 'post number 0 about topic 0 and more words 0').dup_group,
    ).toBeNull();
  });

  it('finds most near-duplicates with one word changed and few false groups (measured)', () => {
    let seed = 1;
    const rand = (): number => {
      seed = (Math.imul(seed, 48271) + 11) % 2147483647;
      return seed / 2147483647;
    };
    const vocab = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
    const index = createDedupIndex();
    let found = 0;
    let falseGroups = 0;
    const N = 400;
    for (let i = 0; i < N; i++) {
      const words = Array.from({ length: 20 }, () => vocab[Math.floor(rand() * vocab.length)]!);
      if (index.assign(`o:${i}`, words.join(' ')).dup_group !== null) falseGroups++;
      words[Math.floor(rand() * words.length)] = 'changed';
      if (index.assign(`v:${i}`, words.join(' ')).dup_group === `o:${i}`) found++;
    }
    // One of 20 words replaced leaves Jaccard ≈ 17/21 ≈ 0.81 over bigrams; the threshold is 0.6.
    expect(found / N).toBeGreaterThan(0.85);
    expect(falseGroups).toBe(0);
  });

  it('normalizes away links, mentions and the retweet prefix', () => {
    expect(dedupWords('RT @bob: Hello @alice see https://x.y/z NOW')).toEqual([
      'hello',
      'see',
      'now',
    ]);
  });

  it('signs a post as the plain definition does: FNV-1a + murmur3 of each distinct shingle text', () => {
    // The definition the stored signatures (snapshots) were made with: bigram strings "a b"
    // (words alone below 3), each hashed once. The index computes the same without building
    // strings or sets; a signature that drifted would split every group across a restart.
    const mix = (x: number) => {
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      x ^= x >>> 16;
      return x >>> 0;
    };
    const hash = (s: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
      return mix(h);
    };
    const seeds = Array.from({ length: 64 }, (_, i) =>
      mix(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)),
    );
    const reference = (words: string[]) => {
      const shingles = new Set<number>();
      if (words.length < 3) for (const w of words) shingles.add(hash(w));
      else
        for (let i = 0; i + 1 < words.length; i++)
          shingles.add(hash(`${words[i]} ${words[i + 1]}`));
      return Uint16Array.from(seeds, (seed) => {
        let min = 0xffffffff;
        for (const h of shingles) min = Math.min(min, mix(h ^ seed));
        return min & 0xffff;
      });
    };
    const texts = [
      ORIGINAL,
      'one',
      'two words',
      'la la la la la la land', // a bigram repeated
      'Ça coûte 20 € — très cher 😡 #fail @acme',
      '東京で新しいカメラを買いました。とても良いです',
      'Привет мир, это тест сообщения для проверки',
    ];
    for (const text of texts) {
      const words = dedupWords(text);
      expect([...minhash(words)], text).toEqual([...reference(words)]);
    }
    // Twice in a row: the signature does not depend on the previous call's scratch state.
    expect([...minhash(dedupWords('one'))]).toEqual([...reference(dedupWords('one'))]);
  });
});
