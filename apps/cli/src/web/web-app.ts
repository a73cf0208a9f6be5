import type { CaptureStore } from '@hookline/capture';
import { Hono } from 'hono';
import type { CaptureService } from '../inspector/capture-service.js';
import type { StatusSource } from '../tui/sources.js';
import { captureRoutes } from './capture-routes.js';
import { eventStreams } from './event-stream.js';
import type { PageAssets } from './page-assets.js';
import { errorResponse, webErrorHandler } from './web-errors.js';
import { inspectorGuard } from './web-guard.js';
import { WEB_LIMITS, type WebLimits } from './web-limits.js';

export interface WebAppOptions {
  store: Pick<CaptureStore, 'list' | 'matchingIds' | 'deliveriesOf' | 'query' | 'subscribe' | 'size'>;
  /** The same service the TUI and the control endpoint use: one replay path. */
  service: CaptureService;
  status: StatusSource;
  /** The per-run secret every `/api/` call carries as `Authorization: Bearer …`. */
  secret: string;
  /** The port it listens on, for the Host and Origin checks. */
  port: () => number;
  assets: PageAssets;
  /** @default WEB_LIMITS */
  limits?: Partial<WebLimits>;
  /** Keep-alive comment interval of event streams. @default 20 000 */
  keepAliveMs?: number;
  /** A bug met while answering (the caller gets a bare 500). @default ignored */
  onInternalError?: (error: Error) => void;
}

/**
 * What the page may do once loaded: talk to this server only, run only its own
 * script, never be framed; the API's answers are never cached.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** The web inspector: the JSON API under `/api/v1/` and the page, behind one guard. Listening is `startWebInspector`'s. */
export function createWebApp(options: WebAppOptions) {
  const limits = { ...WEB_LIMITS, ...options.limits };
  const streams = eventStreams({
    subscribeCaptures: (listener) => options.store.subscribe(listener),
    status: options.status,
    maxClients: limits.maxStreams,
    maxQueued: limits.maxQueuedEvents,
    keepAliveMs: options.keepAliveMs ?? 20_000,
  });
  const tunnel = () => options.status.get().name ?? null;
  const api = new Hono()
    .route('/', captureRoutes({ store: options.store, service: options.service, tunnel, limits }))
    .get('/status', (c) => c.json({ tunnel: options.status.get(), captures: options.store.size }))
    .get('/events', () => streams.response());

  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.use(inspectorGuard({ port: options.port, secret: options.secret }));
  app.route('/api/v1', api);
  app.get('/*', (c) => {
    const asset = options.assets.get(c.req.path);
    if (asset) return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': asset.type });
    if (c.req.path === '/') {
      return errorResponse(c, 503, 'E_NO_PAGE', 'the page is not built: run npm run build (the API works without it)');
    }
    return errorResponse(c, 404, 'E_NOT_FOUND', `no ${c.req.path} here`);
  });
  app.notFound((c) => errorResponse(c, 404, 'E_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.onError(webErrorHandler(options.onInternalError ?? (() => {})));
  return { app, streams };
}
