import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, getJson, listen, postJson } from './api.js';
import { CaptureList } from './capture-list.js';
import { Detail } from './detail.js';
import { DiffView } from './diff-view.js';
import type { CaptureDetail, CapturePage, CaptureSummary, TunnelView } from './types.js';

/** The first page is small so the list shows at once; the rest of the history follows in big pages. */
const FIRST_PAGE = 200;
const PAGE = 2_000;
const FILTER_DELAY_MS = 150;
const REFRESH_DELAY_MS = 100;

type Message = { text: string; tone: 'info' | 'error' };

const errorText = (error: unknown) =>
  error instanceof ApiError ? `${error.message} (${error.code})` : (error as Error).message;

async function download(path: string, name: string): Promise<void> {
  const blob = await (await call(path)).blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function Status({
  status,
  live,
  total,
  shown,
}: {
  status: TunnelView | null;
  live: boolean;
  total: number;
  shown: number;
}) {
  if (!status) return <span class="muted">connecting…</span>;
  const retry = status.retryAt ? ` in ${Math.max(0, Math.round((status.retryAt - Date.now()) / 1000))} s` : '';
  return (
    <span class="status">
      <span class={`dot ${status.state}`} data-testid="tunnel-state">
        ● {status.state}
        {status.state === 'reconnecting' ? retry : ''}
      </span>{' '}
      <a href={status.url} target="_blank" rel="noreferrer">
        {status.url}
      </a>{' '}
      → {status.target}
      {status.queue ? ` · queue ${status.queue.pending} waiting, ${status.queue.failed} failed` : ''}
      {status.reason ? ` · ${status.reason}` : ''} ·{' '}
      <span data-testid="count">{shown === total ? `${total} captured` : `${shown} of ${total} captured`}</span>
      {live ? '' : ' · live updates paused (reconnecting)'}
    </span>
  );
}

export function App() {
  const [captures, setCaptures] = useState<CaptureSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [filter, setFilter] = useState('');
  const [filterError, setFilterError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<CaptureDetail | null>(null);
  const [status, setStatus] = useState<TunnelView | null>(null);
  const [live, setLive] = useState(true);
  const [message, setMessage] = useState<Message | null>(null);
  const [curl, setCurl] = useState<string | null>(null);
  const [diffBase, setDiffBase] = useState<string | null>(null);
  const [diff, setDiff] = useState<{ a: CaptureDetail; b: CaptureDetail } | null>(null);
  const list = useRef<CaptureSummary[]>([]);
  const generation = useRef(0);
  const query = useRef('');
  const refreshing = useRef<ReturnType<typeof setTimeout> | null>(null);

  const show = useCallback((next: CaptureSummary[]) => {
    list.current = next;
    setCaptures(next);
  }, []);

  /** The whole list for a filter: a small first page at once, then the rest. */
  const load = useCallback(
    async (text: string) => {
      const mine = ++generation.current;
      const param = `filter=${encodeURIComponent(text)}`;
      try {
        let page = await getJson<CapturePage>(`/captures?${param}&limit=${FIRST_PAGE}`);
        if (mine !== generation.current) return;
        query.current = text;
        setFilterError(null);
        setTotal(page.total);
        show(page.captures);
        while (page.next !== null) {
          page = await getJson<CapturePage>(`/captures?${param}&limit=${PAGE}&before=${page.next}`);
          if (mine !== generation.current) return;
          show([...list.current, ...page.captures]);
        }
      } catch (error) {
        if (mine === generation.current) setFilterError(errorText(error));
      }
    },
    [show],
  );

  /** What arrived since the newest row shown, for the filter in force. */
  const refresh = useCallback(async () => {
    refreshing.current = null;
    const newest = list.current[0]?.id ?? '0';
    const mine = generation.current;
    try {
      const page = await getJson<CapturePage>(
        `/captures?filter=${encodeURIComponent(query.current)}&after=${newest}&limit=${PAGE}`,
      );
      if (mine !== generation.current || page.captures.length === 0) return;
      setTotal(page.total);
      show([...page.captures, ...list.current]);
    } catch {
      // The next event tries again.
    }
  }, [show]);

  useEffect(() => {
    return listen((event, data) => {
      if (event === 'status') setStatus(data as TunnelView);
      if (event === 'capture') refreshing.current ??= setTimeout(refresh, REFRESH_DELAY_MS);
    }, setLive);
  }, [refresh]);

  useEffect(() => {
    // The first load goes at once; typing waits for a pause.
    const timer = setTimeout(() => void load(filter.trim()), generation.current === 0 ? 0 : FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filter, load]);

  const open = useCallback(async (id: string) => {
    setSelected(id);
    setCurl(null);
    setDiff(null);
    try {
      setDetail(await getJson<CaptureDetail>(`/captures/${id}`));
    } catch (error) {
      setMessage({ text: errorText(error), tone: 'error' });
    }
  }, []);

  const replay = async (body: object, what: string) => {
    if (!detail) return;
    const id = detail.capture.id;
    try {
      const { capture } = await postJson<{ capture: CaptureSummary }>(`/captures/${id}/replay`, body);
      const outcome = capture.status ?? capture.error?.code ?? 'no response';
      setMessage({ text: `${what} #${id} as #${capture.id}: ${outcome}`, tone: 'info' });
    } catch (error) {
      setMessage({ text: errorText(error), tone: 'error' });
    }
  };

  // ↑/↓ and j/k move the selection, as in the terminal inspector (not while typing).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.target as HTMLElement).closest('input, textarea')) return;
      const at = list.current.findIndex((capture) => capture.id === selected);
      const key = event.key;
      const move = key === 'ArrowDown' || key === 'j' ? 1 : key === 'ArrowUp' || key === 'k' ? -1 : 0;
      const next = list.current[Math.max(0, at + move)];
      if (move !== 0 && next) {
        event.preventDefault();
        void open(next.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, open]);

  return (
    <div class="app">
      <header class="top">
        <strong class="brand">hookline</strong>
        <Status status={status} live={live} total={total} shown={captures.length} />
      </header>
      <div class="toolbar">
        <input
          class={`filter${filterError ? ' invalid' : ''}`}
          type="search"
          placeholder="filter: method:post status:5xx path:/hooks header:stripe-signature body:invoice sig:invalid…"
          aria-label="filter"
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
        <button
          type="button"
          onClick={() =>
            download(`/har?filter=${encodeURIComponent(query.current)}`, 'hookline.har').catch((error) =>
              setMessage({ text: errorText(error), tone: 'error' }),
            )
          }
        >
          Download HAR
        </button>
      </div>
      {filterError ? (
        <p class="message error" role="alert">
          {filterError}
        </p>
      ) : null}
      {message ? (
        <p class={`message ${message.tone}`} role="status">
          {message.text}
        </p>
      ) : null}
      <main class="panes">
        <div class="list-pane">
          <div class="row head">
            <span class="c-id">ID</span>
            <span class="c-time">TIME</span>
            <span class="c-method">METHOD</span>
            <span class="c-path">PATH</span>
            <span class="c-sig">SIG</span>
            <span class="c-status">STATUS</span>
            <span class="c-duration">DURATION</span>
            <span class="c-size">SIZE</span>
          </div>
          {captures.length === 0 ? (
            <p class="muted empty">{filter ? 'nothing matches' : 'waiting for requests…'}</p>
          ) : (
            <CaptureList captures={captures} selected={selected} onSelect={(id) => void open(id)} />
          )}
        </div>
        <div class="detail-pane">
          {curl !== null ? (
            <div class="curl">
              <button type="button" class="link" onClick={() => setCurl(null)}>
                close
              </button>
              <pre data-testid="curl">{curl}</pre>
            </div>
          ) : null}
          {diff ? (
            <DiffView a={diff.a} b={diff.b} close={() => setDiff(null)} />
          ) : detail ? (
            <Detail
              key={detail.capture.id}
              detail={detail}
              diffBase={diffBase}
              actions={{
                diff: async () => {
                  const id = detail.capture.id;
                  if (diffBase === null || diffBase === id) {
                    setDiffBase(id);
                    return setMessage({ text: `#${id} marked: open another capture and diff`, tone: 'info' });
                  }
                  try {
                    setDiff({ a: await getJson<CaptureDetail>(`/captures/${diffBase}`), b: detail });
                  } catch (error) {
                    setMessage({ text: errorText(error), tone: 'error' });
                  }
                },
                replay: (resign) =>
                  void replay(resign ? { resign: true } : {}, resign ? 'replayed re-signed' : 'replayed'),
                editAndReplay: (text) => void replay({ edit: text }, 'replayed edited'),
                select: (id) => void open(id),
                copyCurl: async () => {
                  try {
                    const text = await (await call(`/captures/${detail.capture.id}/curl`)).text();
                    setCurl(text);
                    const copied = await navigator.clipboard?.writeText(text).then(
                      () => true,
                      () => false,
                    );
                    setMessage({ text: copied ? 'curl command copied' : 'curl command below', tone: 'info' });
                  } catch (error) {
                    setMessage({ text: errorText(error), tone: 'error' });
                  }
                },
                downloadHar: () =>
                  void download(`/captures/${detail.capture.id}/har`, `hookline-${detail.capture.id}.har`).catch(
                    (error) => setMessage({ text: errorText(error), tone: 'error' }),
                  ),
              }}
            />
          ) : (
            <p class="muted empty">select a capture (↑/↓ or j/k move)</p>
          )}
        </div>
      </main>
    </div>
  );
}
