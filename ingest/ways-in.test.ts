import { describe, expect, it } from 'vitest';
import { listWaysIn } from './ways-in.ts';

describe('listWaysIn (earshot sources)', () => {
  it('lists every connector, then the webhook and file import with what each takes', () => {
    const list = listWaysIn({ hackernews: { queries: ['acme'] } }, {});
    expect(list.map((w) => `${w.kind}:${w.source}`)).toEqual([
      'pull:bluesky',
      'pull:mastodon',
      'pull:hackernews',
      'pull:reddit',
      'pull:rss',
      'pull:youtube',
      'push:webhook',
      'push:files',
    ]);
    const by = Object.fromEntries(list.map((w) => [w.source, w]));
    expect(by.hackernews).toMatchObject({ configured: true, needs: [], uses: [] });
    expect(by.webhook).toMatchObject({ configured: true, needs: [] });
    expect(by.webhook!.uses.join('\n')).toMatch(/POST \/v1\/ingest/);
    expect(by.webhook!.uses.join('\n')).toMatch(/earshot keys create --workspace/);
    expect(by.files!.uses.join('\n')).toMatch(/earshot import <file>/);
    expect(by.files!.uses.join('\n')).toMatch(/--map/);
  });
});
