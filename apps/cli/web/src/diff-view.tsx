import { type DiffLine, diffLines } from './diff.js';
import { header, prettyBody } from './format.js';
import type { BodyJson, CaptureDetail } from './types.js';

function bodyLines(body: BodyJson | undefined, headers: Array<[string, string]>): string[] {
  if (!body || body.size === 0) return [];
  if (body.text === null) return [`[binary body: ${body.size} bytes]`];
  return prettyBody(body.text, header(headers, 'content-type')).text.split('\n');
}

function headerLines(headers: Array<[string, string]> | undefined): string[] {
  return (headers ?? []).map(([name, value]) => `${name.toLowerCase()}: ${value}`);
}

function Section({ title, lines }: { title: string; lines: DiffLine[] }) {
  const changed = lines.some((line) => line.op !== ' ');
  return (
    <div class="diff-section">
      <h3>
        {title} <span class="muted">{changed ? '' : '(same)'}</span>
      </h3>
      <pre class="diff" data-testid={`diff-${title.toLowerCase().replace(/ /g, '-')}`}>
        {lines.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a diff line's place is its identity
          <div key={index} class={`d${line.op === ' ' ? 'same' : line.op === '-' ? 'del' : 'add'}`}>
            {line.op} {line.text}
          </div>
        ))}
      </pre>
    </div>
  );
}

/** Two captures compared: request line and status, headers, bodies (pretty-printed first, so JSON diffs by field). */
export function DiffView({ a, b, close }: { a: CaptureDetail; b: CaptureDetail; close: () => void }) {
  const line = (d: CaptureDetail) =>
    `${d.request.method} ${d.request.path} → ${d.capture.status ?? d.capture.error?.code}`;
  return (
    <section class="detail" aria-label={`diff of #${a.capture.id} and #${b.capture.id}`}>
      <header class="detail-head">
        <h2>
          #{a.capture.id} → #{b.capture.id}
        </h2>
        <button type="button" onClick={close}>
          Close diff
        </button>
      </header>
      <Section title="Request line" lines={diffLines([line(a)], [line(b)])} />
      <Section
        title="Request headers"
        lines={diffLines(headerLines(a.request.headers), headerLines(b.request.headers))}
      />
      <Section
        title="Request body"
        lines={diffLines(bodyLines(a.request.body, a.request.headers), bodyLines(b.request.body, b.request.headers))}
      />
      <Section
        title="Response headers"
        lines={diffLines(headerLines(a.response?.headers), headerLines(b.response?.headers))}
      />
      <Section
        title="Response body"
        lines={diffLines(
          bodyLines(a.response?.body, a.response?.headers ?? []),
          bodyLines(b.response?.body, b.response?.headers ?? []),
        )}
      />
    </section>
  );
}
