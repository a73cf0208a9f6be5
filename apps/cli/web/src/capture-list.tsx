import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatClock, formatDuration, formatSize } from './format.js';
import type { CaptureSummary } from './types.js';

const ROW_HEIGHT = 26;
/** Rows drawn above and below the visible ones, so a fast scroll shows no gap. */
const OVERSCAN = 10;

function statusClass(capture: CaptureSummary): string {
  if (capture.error || capture.status === null) return 'bad';
  if (capture.status >= 500) return 'bad';
  if (capture.status >= 400) return 'warn';
  return 'good';
}

const SIG_MARK: Record<string, string> = { valid: '✓', invalid: '✗', stale: 'stale', 'no-secret': '?', unsigned: '' };

function Row({ capture, selected, onSelect }: { capture: CaptureSummary; selected: boolean; onSelect: () => void }) {
  // As the terminal inspector marks them: replay, from the queue, answered by the relay (handshake).
  const mark = { live: '', replay: '↻', queued: '≡', handshake: 'H' }[capture.origin] ?? '';
  return (
    <button
      type="button"
      class={`row${selected ? ' selected' : ''}`}
      data-id={capture.id}
      aria-pressed={selected}
      onClick={onSelect}
    >
      <span class="c-id">{capture.id}</span>
      <span class="c-time">{formatClock(capture.time)}</span>
      <span class="c-method">{capture.method}</span>
      <span class="c-path" title={capture.path}>
        <span class="mark">{mark}</span>
        {capture.path}
      </span>
      <span class={`c-sig sig-${capture.signature?.status ?? 'none'}`}>
        {capture.signature ? SIG_MARK[capture.signature.status] : ''}
      </span>
      <span class={`c-status ${statusClass(capture)}`}>{capture.status ?? capture.error?.code ?? '—'}</span>
      <span class="c-duration">{formatDuration(capture.durationMs)}</span>
      <span class="c-size">
        {formatSize(capture.requestBytes)} → {formatSize(capture.responseBytes)}
      </span>
    </button>
  );
}

/**
 * The list, windowed: only the rows in view (and a few around) are in the DOM,
 * so 10 000 captures scroll like 30. Rows have one fixed height.
 */
export function CaptureList(props: {
  captures: readonly CaptureSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(props.captures.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = props.captures.slice(first, last);
  return (
    <div class="list" ref={box} onScroll={(e) => setScrollTop((e.target as HTMLElement).scrollTop)}>
      <div class="list-inner" style={{ height: `${props.captures.length * ROW_HEIGHT}px` }}>
        <div style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
          {rows.map((capture) => (
            <Row
              key={capture.id}
              capture={capture}
              selected={capture.id === props.selected}
              onSelect={() => props.onSelect(capture.id)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
