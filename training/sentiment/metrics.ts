/**
 * Evaluation metrics for sentiment, written out so that what we report is unambiguous.
 *
 * - `macroF1(gold, pred)`: the mean F1 over the classes that occur in gold or in predictions
 *   (scikit-learn's default). On a set without a neutral class (Slovenian), predicting `neu`
 *   adds a class with F1 = 0, so abstaining into neutral is penalised, as it should be.
 * - `macroF1(gold, pred, ['pos', 'neg'])`: SemEval's F1^PN, the mean of the pos and neg F1
 *   (neutral predictions still count as misses for pos and neg).
 * - `expectedCalibrationError`: |accuracy − confidence| averaged over equal-width confidence bins,
 *   weighted by bin size (10 bins).
 */
export function f1For(gold: readonly string[], pred: readonly string[], c: string): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    if (pred[i] === c && gold[i] === c) tp++;
    else if (pred[i] === c) fp++;
    else if (gold[i] === c) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

export function macroF1(
  gold: readonly string[],
  pred: readonly string[],
  classes?: readonly string[],
): number {
  if (gold.length !== pred.length)
    throw new Error(`gold has ${gold.length} labels, predictions ${pred.length}`);
  const cs = classes ?? [...new Set([...gold, ...pred])].sort();
  if (cs.length === 0) return 0;
  let sum = 0;
  for (const c of cs) sum += f1For(gold, pred, c);
  return sum / cs.length;
}

export function accuracy(gold: readonly string[], pred: readonly string[]): number {
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) ok++;
  return gold.length === 0 ? 0 : ok / gold.length;
}

export function expectedCalibrationError(
  correct: readonly boolean[],
  confidence: readonly number[],
  bins = 10,
): number {
  const n = new Array<number>(bins).fill(0);
  const acc = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  for (let i = 0; i < correct.length; i++) {
    const b = Math.min(bins - 1, Math.floor(confidence[i]! * bins));
    n[b]!++;
    acc[b]! += correct[i] ? 1 : 0;
    conf[b]! += confidence[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (n[b] === 0) continue;
    ece += (n[b]! / correct.length) * Math.abs(acc[b]! / n[b]! - conf[b]! / n[b]!);
  }
  return ece;
}
