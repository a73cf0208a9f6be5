import { type CaptureRecord, type CaptureStore, toCurl, toFixture, toHar } from '@hookline/capture';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CaptureService } from '../inspector/capture-service.js';
import { summarize } from '../inspector/capture-summary.js';
import { VERSION } from '../version.js';
import { captureDetail } from './capture-detail.js';
import { capturePage } from './capture-page.js';
import { filterParam, intParam } from './query-params.js';
import { replayRequestFrom } from './replay-body.js';
import { WebError } from './web-errors.js';
import type { WebLimits } from './web-limits.js';

export interface CaptureRoutesOptions {
  store: Pick<CaptureStore, 'list' | 'matchingIds' | 'deliveriesOf' | 'query'>;
  service: CaptureService;
  /** The tunnel the list keeps to unless a filter names one. */
  tunnel: () => string | null;
  limits: WebLimits;
}

const ID = /^\d{1,15}$/;

function attachment(name: string): Record<string, string> {
  return { 'content-disposition': `attachment; filename="${name}"` };
}

/** `/api/v1/captures…` and `/api/v1/har`: the list, one capture, its replay and its exports. */
export function captureRoutes(options: CaptureRoutesOptions) {
  const { store, service, limits } = options;
  const find = async (id: string): Promise<CaptureRecord> => {
    const record = ID.test(id) ? await service.get(id) : undefined;
    if (!record) throw new WebError(404, 'E_NOT_FOUND', `no capture with id ${id}`);
    return record;
  };
  const har = (records: CaptureRecord[]) => toHar(records, { name: 'hookline', version: VERSION });

  return new Hono()
    .get('/captures', async (c) => {
      const page = await capturePage(store, {
        filter: filterParam(c.req.query('filter'), limits.maxFilterChars),
        before: intParam(c.req.query('before'), 'before', { min: 1, max: Number.MAX_SAFE_INTEGER }, null),
        after: intParam(c.req.query('after'), 'after', { min: 0, max: Number.MAX_SAFE_INTEGER }, null),
        limit: intParam(c.req.query('limit'), 'limit', { min: 1, max: limits.maxPage }, 100) as number,
        tunnel: options.tunnel(),
      });
      return c.json(page);
    })
    .get('/captures/:id', async (c) => {
      const record = await find(c.req.param('id'));
      return c.json(captureDetail(record, store.deliveriesOf(record.id)));
    })
    .post(
      '/captures/:id/replay',
      bodyLimit({ maxSize: limits.maxReplayBytes, onError: tooLarge(limits) }),
      async (c) => {
        const original = await find(c.req.param('id'));
        const json: unknown = await c.req.json().catch(() => {
          throw new WebError(400, 'E_BAD_REQUEST', 'the body must be JSON');
        });
        const replayed = await service.replay(original.id, replayRequestFrom(json, original, limits.maxReplayBytes));
        return c.json({ capture: summarize(replayed) }, 201);
      },
    )
    .get('/captures/:id/curl', async (c) => c.text(toCurl(await find(c.req.param('id')))))
    .get('/captures/:id/fixture', async (c) => {
      const record = await find(c.req.param('id'));
      return c.json(toFixture(record), 200, attachment(`hookline-${record.id}.fixture.json`));
    })
    .get('/captures/:id/har', async (c) => {
      const record = await find(c.req.param('id'));
      return c.json(har([record]), 200, attachment(`hookline-${record.id}.har`));
    })
    .get('/har', async (c) => {
      const filter = filterParam(c.req.query('filter'), limits.maxFilterChars);
      const limit = intParam(
        c.req.query('limit'),
        'limit',
        { min: 1, max: limits.maxHarEntries },
        limits.maxHarEntries,
      );
      const records = await store.query({ filter, tunnel: options.tunnel(), limit: limit as number });
      // The newest that fit in maxHarBytes; the header says how many older ones were left out.
      let bytes = 0;
      let kept = 0;
      for (const record of records) {
        bytes += record.request.body.bytes.length + (record.response?.body.bytes.length ?? 0);
        if (kept > 0 && bytes > limits.maxHarBytes) break;
        kept += 1;
      }
      // Newest first from the query; a HAR lists entries in the order they happened.
      const entries = har(records.slice(0, kept).reverse());
      return c.json(entries, 200, {
        ...attachment('hookline.har'),
        'hookline-har-left-out': String(records.length - kept),
      });
    });
}

function tooLarge(limits: WebLimits) {
  return () => {
    throw new WebError(413, 'E_BODY_TOO_LARGE', `a replay request is at most ${limits.maxReplayBytes} bytes`);
  };
}
