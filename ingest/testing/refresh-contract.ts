import { afterEach, describe, expect, it } from 'vitest';
import { isRetriable } from '../../core/errors.ts';
import type { Connector } from '../connector.ts';
import { recordingPorts } from './recording-ports.ts';

/** A connector in front of a local replay of its source, set up by the source's test. */
export interface RefreshSubject {
  connector: Connector;
  /** Ids (as the connector produces them) of items the replay knows, in order. */
  ids: string[];
  /** How many ids each lookup request the replay received carried, in order. */
  lookups(): number[];
  close(): Promise<void>;
}

export interface RefreshHarness {
  /** The clock of the refresh (the replayed items were posted before it). */
  now: Date;
  /** Most ids one lookup takes at the source (`refreshBatchSize`). */
  batchSize: number;
  /** A replay that knows `count` items, the n-th with n likes now. */
  knowing(count: number): Promise<RefreshSubject>;
  /** A replay answering every lookup with two items, whatever was asked for. */
  answeringMore(): Promise<RefreshSubject>;
  /** A replay whose lookups fail with a server error (5xx), every time. */
  failing(): Promise<RefreshSubject>;
}

/**
 * What every `Connector.refresh` promises (ingest/connector.ts), as one suite each source's
 * `refresh.test.ts` runs with its own replay: lookups batched by `refreshBatchSize`, every id
 * once and in order with the engagement the source reports now, ids of other sources never
 * looked up, nothing that was not asked for, and a failing source a retriable error.
 */
export function defineRefreshContract(source: string, harness: RefreshHarness): void {
  describe(`refresh contract: ${source}`, () => {
    let subject: RefreshSubject | undefined;
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });
    const ports = () => recordingPorts({ now: () => harness.now });

    it(`looks up at most ${harness.batchSize} ids per request; each id once, in order, with its likes now`, async () => {
      const count = 2 * harness.batchSize + 3;
      subject = await harness.knowing(count);
      expect(subject.connector.refreshBatchSize).toBe(harness.batchSize);
      const rec = ports();
      const out = await subject.connector.refresh!(subject.ids, rec.ports);
      expect(subject.lookups()).toEqual([harness.batchSize, harness.batchSize, 3]);
      expect(out.map((m) => m.id)).toEqual(subject.ids);
      expect(out.map((m) => m.engagement.likes)).toEqual(subject.ids.map((_, n) => n));
      expect(
        out.every((m) => m.source === source && m.fetched_at === harness.now.toISOString()),
      ).toBe(true);
      expect(rec.produced).toEqual([]);
      expect(rec.dead).toEqual([]);
    });

    it('never looks up the ids of another source', async () => {
      subject = await harness.knowing(2);
      const foreign = source === 'reddit' ? 'hackernews:1' : 'reddit:t3_abc';
      const out = await subject.connector.refresh!(
        [foreign, ...subject.ids, 'elsewhere:1'],
        ports().ports,
      );
      expect(subject.lookups().reduce((a, b) => a + b, 0)).toBe(2);
      expect(out.map((m) => m.id)).toEqual(subject.ids);
    });

    it('gives back only what was asked for, even when the source answers more', async () => {
      subject = await harness.answeringMore();
      const asked = subject.ids.slice(0, 1);
      const out = await subject.connector.refresh!(asked, ports().ports);
      expect(out.map((m) => m.id)).toEqual(asked);
    });

    it('a failing source throws a retriable error', async () => {
      subject = await harness.failing();
      const failing = subject.connector.refresh!(subject.ids.slice(0, 1), ports().ports);
      await expect(failing).rejects.toThrow(/unavailable after \d+ attempts \(HTTP 5\d\d\)/);
      await failing.catch((error: unknown) => expect(isRetriable(error)).toBe(true));
    });
  });
}
