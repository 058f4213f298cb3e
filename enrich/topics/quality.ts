/**
 * Clustering quality against known labels. Purity: share of posts whose cluster's majority
 * label is their own (1 = every cluster is pure; rewards many small clusters). NMI: mutual
 * information of clusters and labels normalized by sqrt(H(clusters)·H(labels)) (1 = the same
 * partition; penalizes both mixing and fragmentation). Report both.
 */
export function purity(clusters: string[], labels: string[]): number {
  const byCluster = new Map<string, Map<string, number>>();
  clusters.forEach((c, i) => {
    const m = byCluster.get(c) ?? new Map<string, number>();
    m.set(labels[i]!, (m.get(labels[i]!) ?? 0) + 1);
    byCluster.set(c, m);
  });
  let majority = 0;
  for (const m of byCluster.values()) majority += Math.max(...m.values());
  return clusters.length === 0 ? 0 : majority / clusters.length;
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

export function nmi(clusters: string[], labels: string[]): number {
  const n = clusters.length;
  if (n === 0) return 0;
  const cc = new Map<string, number>();
  const lc = new Map<string, number>();
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = clusters[i]!;
    const l = labels[i]!;
    cc.set(c, (cc.get(c) ?? 0) + 1);
    lc.set(l, (lc.get(l) ?? 0) + 1);
    const k = `${c}\u0000${l}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
  }
  let mi = 0;
  for (const [k, nij] of joint) {
    const [c, l] = k.split('\u0000') as [string, string];
    mi += (nij / n) * Math.log((n * nij) / (cc.get(c)! * lc.get(l)!));
  }
  const hc = entropy(cc.values(), n);
  const hl = entropy(lc.values(), n);
  if (hc === 0 || hl === 0) return hc === hl ? 1 : 0;
  return mi / Math.sqrt(hc * hl);
}

/**
 * Pairwise precision, recall and F1 of a grouping against labels: over every pair of items, a
 * pair in one cluster is a true positive when its labels agree. Reads as "of the pairs put
 * together, how many belong together" and "of the pairs that belong together, how many were
 * put together"; `filter` restricts the pairs counted (e.g. pairs of two languages).
 */
export function pairwiseF1(
  clusters: string[],
  labels: string[],
  filter: (i: number, j: number) => boolean = () => true,
): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  for (let i = 0; i < clusters.length; i++) {
    for (let j = i + 1; j < clusters.length; j++) {
      if (!filter(i, j)) continue;
      const same = clusters[i] === clusters[j];
      const truth = labels[i] === labels[j];
      if (same) predicted++;
      if (truth) actual++;
      if (same && truth) tp++;
    }
  }
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = actual === 0 ? 0 : tp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
